namespace RxFactorio.Wandb;

/// <summary>
/// The request rate the server's <c>RateLimit-*</c> headers allow, estimated the way wandb-core's
/// <c>RateLimitTracker</c> does (core/internal/api/ratelimittracker.go): the quota unit is opaque, so
/// the number of requests per unit is learnt (an exponential moving average over estimation windows
/// of at least <see cref="MinRequestsPerWindow"/> requests) and multiplied by the units per second
/// the server has left (<c>Remaining / Reset</c>). Starts at the maximum; not thread-safe (the
/// <see cref="RateBudget"/> calls it under its lock).
/// </summary>
internal sealed class RateEstimate
{
    /// <summary>The slowest rate: one request per 10 s (wandb-core's <c>minRequestsPerSecond</c>).</summary>
    public const double MinPerSecond = 0.1;

    /// <summary>The fastest rate, never expected to bind (wandb-core's <c>maxRequestsPerSecond</c>).</summary>
    public const double MaxPerSecond = 65536;

    /// <summary>Weight of the old estimate in each update (wandb-core's <c>Smoothing: 0.2</c>).</summary>
    private const double Smoothing = 0.2;

    /// <summary>Requests an estimation window needs inside one quota window (wandb-core's <c>MinRequestsForEstimate: 5</c>).</summary>
    private const long MinRequestsPerWindow = 5;

    private double _requestsPerUnit = 1;
    private double _unitsPerSecond = MaxPerSecond;
    private double _lastRemaining;
    private DateTimeOffset _quotaWindowEnd = DateTimeOffset.MinValue;
    private long _requestsSinceLast;

    /// <summary>Requests per second to allow now.</summary>
    public double RequestsPerSecond => Math.Clamp(_requestsPerUnit * _unitsPerSecond, MinPerSecond, MaxPerSecond);

    /// <summary>Counts a request about to be sent.</summary>
    public void CountRequest() => _requestsSinceLast++;

    /// <summary>Learns from one response's headers.</summary>
    /// <param name="now">When the response came.</param>
    /// <param name="headers">Its <c>RateLimit-*</c> values.</param>
    public void Update(DateTimeOffset now, RateLimitHeaders headers)
    {
        // NOTE: with a second or less left in the quota window the rate it implies is noise (wandb-core skips it too).
        if (headers.ResetSeconds <= 1)
        {
            return;
        }
        if (now < _quotaWindowEnd && _requestsSinceLast < MinRequestsPerWindow)
        {
            return;
        }
        var requests = _requestsSinceLast;
        var consumed = _lastRemaining - headers.Remaining;
        var newQuotaWindow = now > _quotaWindowEnd;
        _requestsSinceLast = 0;
        _lastRemaining = headers.Remaining;
        _quotaWindowEnd = now + TimeSpan.FromSeconds(headers.ResetSeconds);
        if (headers.Remaining < 1)
        {
            // NOTE: nothing left: the budget holds every request until the reset instead (wandb-core would crawl at
            // its minimum rate until the next header). The rate stays as learnt for the new window.
            return;
        }
        _unitsPerSecond = headers.Remaining / headers.ResetSeconds;
        // Quota unchanged (or a fresh window): we may go faster, towards the maximum; else requests per unit consumed.
        var target = consumed < 1 || newQuotaWindow ? MaxPerSecond / _unitsPerSecond : requests / consumed;
        _requestsPerUnit = (_requestsPerUnit * Smoothing) + (target * (1 - Smoothing));
    }
}
