using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using RxFactorio.Diagnostics;

namespace RxFactorio.Wandb;

/// <summary>
/// The process's one budget of requests to W&amp;B (its rate limits are per project, not per run): every
/// attempt of every run takes a turn here first (see <see cref="RateBudgetStrategy"/>), and every response
/// tells it what the server said.
/// <list type="bullet">
/// <item>A <c>Retry-After</c> on any response, or <c>RateLimit-Remaining</c> 0 with <c>RateLimit-Reset</c> N,
/// holds ALL requests until that time; then one request goes alone (a probe) and the rest follow only once
/// its answer was not a 429. A 429 without either header starts probing at once. So 32 runs do not retry on 32 schedules.</item>
/// <item>Otherwise a token bucket (burst <see cref="Burst"/>) at the rate <see cref="RateEstimate"/> derives from the
/// <c>RateLimit-*</c> headers, as wandb-core's <c>ResponseBasedRateLimiter</c> does: it slows down before the quota runs out.</item>
/// <item>Waiting requests queue per lane (a run; GraphQL without a run shares one) and lanes take turns round-robin,
/// so a run with a backlog cannot starve the others.</item>
/// <item>A hold that would end after the shutdown deadline (<see cref="RetryWaitCutoff"/>) fails its waiters at once with
/// <see cref="RetryWaitCutException"/>: their rows stay in the run log.</item>
/// </list>
/// A queued turn holds only the request its caller already holds. Thread-safe.
/// </summary>
internal sealed class RateBudget : IDisposable
{
    /// <summary>Requests that may go at once after a quiet spell (wandb-core's <c>maxBurst</c>).</summary>
    public const int Burst = 10;

    /// <summary>A wait at least this long starts an episode: one log line, not one per request.</summary>
    private static readonly TimeSpan NoticeableWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly RetryWaitCutoff _cutoff;
    private readonly ILogger _logger;
    private readonly TimeSpan _maxHold;
    private readonly RateEstimate _estimate = new();
    private readonly Dictionary<string, Queue<Turn>> _lanes = new(StringComparer.Ordinal);
    private readonly Queue<string> _laneOrder = new();
    private readonly ITimer _timer;
    private double _tokens = Burst;
    private DateTimeOffset _refilledAt;
    private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;
    private bool _probeNeeded;
    private bool _probeOut;
    private int _queued;
    private DateTimeOffset? _episodeStart;
    private long _episodeWaits;

    /// <param name="time">The clock.</param>
    /// <param name="cutoff">The shutdown deadline.</param>
    /// <param name="logger">Where the once-per-episode lines go.</param>
    /// <param name="maxHold">The longest hold a server may ask for (<see cref="WandbOptions.MaxRetryAfter"/>).</param>
    public RateBudget(TimeProvider time, RetryWaitCutoff cutoff, ILogger logger, TimeSpan maxHold)
    {
        _time = time;
        _cutoff = cutoff;
        _logger = logger;
        _maxHold = maxHold;
        _refilledAt = time.GetUtcNow();
        _timer = time.CreateTimer(_ => Dispatch(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        cutoff.DeadlineMoved += OnDeadlineMoved;
    }

    /// <summary>Requests per second the server's headers allow now.</summary>
    public double RequestsPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _estimate.RequestsPerSecond;
            }
        }
    }

    /// <summary>Requests waiting for a turn now.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Waits for a turn to send one attempt; dispose the turn once the attempt is over.</summary>
    /// <param name="lane">Whose request it is (a run), for round-robin between waiters.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="RetryWaitCutException">The budget holds requests past the shutdown deadline.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async ValueTask<Turn> TakeTurnAsync(string lane, CancellationToken cancellationToken)
    {
        Turn turn;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            ThrowIfHeldPastDeadline(now);
            Refill(now);
            turn = new Turn(this, lane);
            if (_queued == 0 && MayGo(now))
            {
                Grant(turn);
                return turn;
            }
            Enqueue(turn, now);
            ScheduleDispatch(now);
        }
        using (cancellationToken.UnsafeRegister(static (state, token) => ((Turn)state!).Cancel(token), turn))
        {
            await turn.Granted.ConfigureAwait(false);
        }
        return turn;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cutoff.DeadlineMoved -= OnDeadlineMoved;
        _timer.Dispose();
    }

    private void Observe(Turn turn, HttpResponseMessage? response)
    {
        if (response is null)
        {
            return;
        }
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            if (WandbRetryPolicy.RetryAfter(response, now) is { } retryAfter && retryAfter > TimeSpan.Zero)
            {
                var wait = retryAfter > _maxHold ? _maxHold : retryAfter;
                Hold(now, wait, "retry-after", $"HTTP {(int)response.StatusCode} with Retry-After {Seconds(wait)} s");
                limited = true;
            }
            if (RateLimitHeaders.Of(response) is { } headers)
            {
                _estimate.Update(now, headers);
                if (headers.Remaining < 1 && headers.ResetSeconds > 0)
                {
                    var wait = TimeSpan.FromSeconds(headers.ResetSeconds);
                    Hold(now, wait > _maxHold ? _maxHold : wait, "ratelimit-reset", $"RateLimit-Remaining {headers.Remaining.ToString(CultureInfo.InvariantCulture)}, RateLimit-Reset {Seconds(wait)} s");
                    limited = true;
                }
            }
            if (limited)
            {
                _probeNeeded = true;
                if (_episodeStart is null)
                {
                    StartEpisode(now, $"HTTP {(int)response.StatusCode} without a time to wait: one request at a time until one is not refused");
                    _episodeWaits = _queued;
                }
            }
            else if (turn.IsProbe)
            {
                _probeNeeded = false;
            }
        }
    }

    private void Finish(Turn turn)
    {
        lock (_gate)
        {
            if (turn.IsProbe)
            {
                _probeOut = false;
            }
        }
        Dispatch();
    }

    private void Dispatch()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            Refill(now);
            while (_queued > 0 && MayGo(now) && NextWaiting() is { } turn)
            {
                _queued--;
                RxFactorioMeter.RateBudgetQueued.Add(-1);
                Grant(turn);
            }
            if (_queued == 0 && now >= _holdUntil && !_probeOut && _episodeStart is { } start)
            {
                _logger.LogInformation("W&B rate budget: requests flow again after {Waited} s ({Count} requests waited).", Seconds(now - start), _episodeWaits);
                _episodeStart = null;
            }
            ScheduleDispatch(now);
        }
    }

    private bool MayGo(DateTimeOffset now) => now >= _holdUntil && !_probeOut && _tokens >= 1;

    private void Grant(Turn turn)
    {
        _tokens -= 1;
        _estimate.CountRequest();
        if (_probeNeeded)
        {
            _probeOut = true;
            turn.IsProbe = true;
        }
        turn.Grant();
    }

    private void Enqueue(Turn turn, DateTimeOffset now)
    {
        if (!_lanes.TryGetValue(turn.Lane, out var lane))
        {
            _lanes[turn.Lane] = lane = new Queue<Turn>();
            _laneOrder.Enqueue(turn.Lane);
        }
        lane.Enqueue(turn);
        _queued++;
        RxFactorioMeter.RateBudgetQueued.Add(1);
        RxFactorioMeter.RateBudgetWaits.Add(1);
        if (_episodeStart is not null)
        {
            _episodeWaits++;
            return;
        }
        var byRate = TimeSpan.FromSeconds((_queued - _tokens) / _estimate.RequestsPerSecond);
        if (_holdUntil - now >= NoticeableWait || byRate >= NoticeableWait)
        {
            StartEpisode(now, $"the rate W&B's RateLimit headers allow, {_estimate.RequestsPerSecond.ToString("0.###", CultureInfo.InvariantCulture)} requests/s");
            _episodeWaits = 1;
        }
    }

    /// <summary>The next waiting turn, lanes in turn; a lane that got one goes to the back.</summary>
    private Turn? NextWaiting()
    {
        while (_laneOrder.TryDequeue(out var name))
        {
            var lane = _lanes[name];
            Turn? next = null;
            while (next is null && lane.TryDequeue(out var turn))
            {
                next = turn.IsCancelled ? null : turn;
            }
            if (lane.Count > 0)
            {
                _laneOrder.Enqueue(name);
            }
            else
            {
                _lanes.Remove(name);
            }
            if (next is not null)
            {
                return next;
            }
        }
        return null;
    }

    private void Hold(DateTimeOffset now, TimeSpan wait, string reason, string why)
    {
        var until = now + wait;
        if (until <= _holdUntil)
        {
            return;
        }
        _holdUntil = until;
        RxFactorioMeter.RateBudgetHolds.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (_episodeStart is null)
        {
            StartEpisode(now, why);
            _episodeWaits = _queued;
        }
        FailIfHeldPastDeadline(now);
        ScheduleDispatch(now);
    }

    private void StartEpisode(DateTimeOffset now, string why)
    {
        _episodeStart = now;
        _logger.LogWarning(
            "W&B rate budget: every request to W&B waits ({Why}){Until}; runs take turns, their rows stay in the run log.",
            why,
            _holdUntil > now ? $" until {_holdUntil.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} UTC, then one request first" : "");
    }

    private void ThrowIfHeldPastDeadline(DateTimeOffset now)
    {
        if (_cutoff.Deadline is { } deadline && _holdUntil > deadline)
        {
            _cutoff.NoteCut();
            throw new RetryWaitCutException(_holdUntil - now);
        }
    }

    private void FailIfHeldPastDeadline(DateTimeOffset now)
    {
        if (_cutoff.Deadline is not { } deadline || _holdUntil <= deadline || _queued == 0)
        {
            return;
        }
        while (NextWaiting() is { } turn)
        {
            _queued--;
            RxFactorioMeter.RateBudgetQueued.Add(-1);
            turn.IsCancelled = true;
            turn.Fail(new RetryWaitCutException(_holdUntil - now));
        }
        _cutoff.NoteCut();
    }

    private void OnDeadlineMoved()
    {
        lock (_gate)
        {
            FailIfHeldPastDeadline(_time.GetUtcNow());
        }
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = (now - _refilledAt).TotalSeconds;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed * _estimate.RequestsPerSecond));
            _refilledAt = now;
        }
    }

    private void ScheduleDispatch(DateTimeOffset now)
    {
        DateTimeOffset? due = null;
        if (_queued > 0 && !_probeOut)
        {
            var forToken = _tokens >= 1 ? now : now + TimeSpan.FromSeconds((1 - _tokens) / _estimate.RequestsPerSecond);
            due = forToken > _holdUntil ? forToken : _holdUntil;
        }
        else if (_holdUntil > now && _episodeStart is not null)
        {
            due = _holdUntil;
        }
        var delay = due is { } at ? (at > now ? at - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        // NOTE: a token can be only a fraction of a tick away; never ask for a zero-length wait that could spin.
        _timer.Change(delay == TimeSpan.Zero ? TimeSpan.FromTicks(1) : delay, Timeout.InfiniteTimeSpan);
    }

    private void Cancelled(Turn turn)
    {
        lock (_gate)
        {
            if (turn.IsGranted || turn.IsCancelled)
            {
                return;
            }
            turn.IsCancelled = true;
            _queued--;
            RxFactorioMeter.RateBudgetQueued.Add(-1);
        }
    }

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>One request's turn: granted, then told the response, then disposed.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly RateBudget _budget;
        private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _finished;

        internal Turn(RateBudget budget, string lane)
        {
            _budget = budget;
            Lane = lane;
        }

        /// <summary>Whose request it is.</summary>
        public string Lane { get; }

        /// <summary>True when this request goes alone to see whether the server takes requests again.</summary>
        public bool IsProbe { get; internal set; }

        internal bool IsGranted { get; private set; }

        internal bool IsCancelled { get; set; }

        internal Task Granted => _granted.Task;

        /// <summary>Tells the budget what the server answered (null: no response).</summary>
        public void Observe(HttpResponseMessage? response) => _budget.Observe(this, response);

        /// <inheritdoc/>
        public void Dispose()
        {
            if (IsGranted && Interlocked.Exchange(ref _finished, 1) == 0)
            {
                _budget.Finish(this);
            }
        }

        internal void Grant()
        {
            IsGranted = true;
            _granted.TrySetResult();
        }

        internal void Fail(Exception e) => _granted.TrySetException(e);

        internal void Cancel(CancellationToken token)
        {
            _budget.Cancelled(this);
            if (IsCancelled)
            {
                _granted.TrySetCanceled(token);
            }
        }
    }
}
