using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Faults;

/// <summary>
/// Queues of faults for the next matching requests. Each queued fault is used by exactly one request.
/// A request takes at most one of each kind, in this order: delay (then carries on), status (answered
/// without handling; a drop is then not taken), drop (before or after storing).
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<(FaultScope Scope, TimeSpan Delay)> _delays = [];
    private readonly List<(FaultScope Scope, StatusFault Fault)> _statuses = [];
    private readonly List<(FaultScope Scope, DropTiming Timing)> _drops = [];
    private readonly List<Trigger> _triggers = [];
    private readonly List<Refusal> _refusals = [];

    /// <summary>Raised on the request thread once an injected delay's timer exists, so a test can advance its FakeTimeProvider.</summary>
    public event Action<TimeSpan>? DelayStarted;

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _delays.Count + _statuses.Count + _drops.Count;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> matching requests are answered with this status (and Retry-After, if given) without being handled.</summary>
    public void FailNext(FaultScope scope, int statusCode, int count = 1, string? retryAfter = null) =>
        FailNext(scope, Enumerable.Repeat(statusCode, count), retryAfter);

    /// <summary>The next matching requests are answered with these statuses, one each, in order (e.g. 500, 500, 429).</summary>
    public void FailNext(FaultScope scope, IEnumerable<int> statusCodes, string? retryAfter = null)
    {
        var faults = statusCodes.Select(code => code is >= 100 and <= 599
            ? (scope, new StatusFault(code, retryAfter))
            : throw new ArgumentOutOfRangeException(nameof(statusCodes), code, "Not an HTTP status code.")).ToList();
        lock (_gate)
        {
            _statuses.AddRange(faults);
        }
    }

    /// <summary>
    /// For <paramref name="period"/> from now (on the server's clock), every matching request is answered
    /// 429 without being handled, as a server over its rate limit does: with <c>Retry-After: <paramref name="retryAfter"/></c>,
    /// or (null) with <c>RateLimit-Remaining: 0</c> and <c>RateLimit-Reset</c> = the seconds left in the period, rounded up.
    /// </summary>
    public void RefuseFor(FaultScope scope, TimeProvider time, TimeSpan period, string? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (_gate)
        {
            _refusals.Add(new Refusal(scope, time.GetUtcNow() + period, retryAfter));
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> matching requests are answered with this status and an error
    /// text that echoes their credentials (the <c>Authorization</c> header as sent, URL-encoded, and the
    /// decoded key), as a careless server or proxy might. A 200 on GraphQL is a GraphQL error.
    /// </summary>
    public void EchoCredentialsNext(FaultScope scope, int statusCode, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        lock (_gate)
        {
            _statuses.AddRange(Enumerable.Repeat((scope, new StatusFault(statusCode, null, EchoCredentials: true)), count));
        }
    }

    /// <summary>The next <paramref name="count"/> matching requests wait <paramref name="delay"/> on the server's TimeProvider first.</summary>
    public void DelayNext(FaultScope scope, TimeSpan delay, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_gate)
        {
            _delays.AddRange(Enumerable.Repeat((scope, delay), count));
        }
    }

    /// <summary>The next <paramref name="count"/> matching requests lose their connection, before or after their data is stored.</summary>
    public void DropNext(FaultScope scope, DropTiming timing, int count = 1)
    {
        lock (_gate)
        {
            _drops.AddRange(Enumerable.Repeat((scope, timing), count));
        }
    }

    /// <summary>
    /// Runs <paramref name="inject"/> (which queues faults) just before the <paramref name="request"/>-th
    /// matching request from now (1 = the next) takes its faults, so they hit that request and not an earlier one.
    /// </summary>
    public void Before(FaultScope scope, int request, Action inject)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request, 1);
        ArgumentNullException.ThrowIfNull(inject);
        lock (_gate)
        {
            _triggers.Add(new Trigger(scope, request, inject));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _triggers.Clear();
            _refusals.Clear();
            _delays.Clear();
            _statuses.Clear();
            _drops.Clear();
        }
    }

    internal FaultPlan Take(RequestKind kind, DateTimeOffset now)
    {
        List<Action> due = [];
        lock (_gate)
        {
            foreach (var trigger in _triggers.Where(t => t.Scope.Matches(kind)).ToList())
            {
                if (--trigger.Remaining == 0)
                {
                    _triggers.Remove(trigger);
                    due.Add(trigger.Inject);
                }
            }
        }
        foreach (var inject in due)
        {
            inject();
        }
        lock (_gate)
        {
            var delay = TakeFirst(_delays, kind, x => x.Scope, x => (TimeSpan?)x.Delay);
            var status = TakeFirst(_statuses, kind, x => x.Scope, x => x.Fault) ?? RefusalAt(kind, now);
            var drop = status is null ? TakeFirst(_drops, kind, x => x.Scope, x => (DropTiming?)x.Timing) : null;
            return new FaultPlan(delay, status, drop);
        }
    }

    private StatusFault? RefusalAt(RequestKind kind, DateTimeOffset now)
    {
        _refusals.RemoveAll(r => r.Until <= now);
        if (_refusals.FirstOrDefault(r => r.Scope.Matches(kind)) is not { } refusal)
        {
            return null;
        }
        var reset = ((int)Math.Ceiling((refusal.Until - now).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return refusal.RetryAfter is { } retryAfter
            ? new StatusFault(429, retryAfter)
            : new StatusFault(429, null, RateLimitReset: reset);
    }

    internal void OnDelayStarted(TimeSpan delay) => DelayStarted?.Invoke(delay);

    private static TResult? TakeFirst<T, TResult>(List<T> queue, RequestKind kind, Func<T, FaultScope> scope, Func<T, TResult> select)
    {
        var index = queue.FindIndex(x => scope(x).Matches(kind));
        if (index < 0)
        {
            return default;
        }

        var item = queue[index];
        queue.RemoveAt(index);
        return select(item);
    }

    private sealed record Refusal(FaultScope Scope, DateTimeOffset Until, string? RetryAfter);

    private sealed class Trigger(FaultScope scope, int request, Action inject)
    {
        public FaultScope Scope { get; } = scope;

        public int Remaining { get; set; } = request;

        public Action Inject { get; } = inject;
    }
}
