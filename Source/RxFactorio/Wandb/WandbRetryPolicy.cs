using System.Globalization;
using System.Net;
using System.Security.Authentication;

namespace RxFactorio.Wandb;

/// <summary>
/// Which failures are worth retrying, and how long to wait, as wandb-core decides
/// (<c>RetryMostFailures</c>, <c>UpsertBucketRetryPolicy</c>, <c>ExponentialBackoffWithJitter</c>).
/// </summary>
internal static class WandbRetryPolicy
{
    /// <summary>
    /// True when a response with <paramref name="statusCode"/> should be retried: 408, 429, other
    /// 4xx, 5xx and out-of-range codes, but not 400, 401, 403, 404, 409, 410, 413, 422 and 501. For
    /// UpsertBucket a 409 (a create race) is retried. Success (&lt; 400) is never retried.
    /// </summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="isUpsertBucket">True for the UpsertBucket mutation.</param>
    public static bool IsRetryableStatus(int statusCode, bool isUpsertBucket = false) => statusCode switch
    {
        409 => isUpsertBucket,
        400 or 401 or 403 or 404 or 410 or 413 or 422 or 501 => false,
        >= 100 and < 400 => false,
        _ => true,
    };

    /// <summary>
    /// True when a transport exception should be retried: connection failures and attempt timeouts
    /// are; TLS trust failures and cancellation by the caller are not.
    /// </summary>
    /// <param name="exception">The exception an attempt ended with.</param>
    public static bool IsRetryableException(Exception exception) => exception switch
    {
        Polly.Timeout.TimeoutRejectedException => true,
        OperationCanceledException => false,
        HttpRequestException { InnerException: AuthenticationException } => false,
        HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.UserAuthenticationError } => false,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> (0 = first retry):
    /// <c>min(max, base · 2^attempt · (1 + 0.25 · jitter))</c>.
    /// </summary>
    /// <param name="attempt">The retry number, from 0.</param>
    /// <param name="baseDelay">The first delay.</param>
    /// <param name="maxDelay">The cap.</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 40)) * (1 + (0.25 * jitter));
        var ticks = baseDelay.Ticks * factor;
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Reads <c>Retry-After</c>: seconds (a float is accepted, as wandb-core does) or an HTTP date.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time, for a date value.</param>
    /// <returns>The wait (never negative), or <c>null</c> when absent or unreadable.</returns>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now)
    {
        if (response is null || !response.Headers.NonValidated.TryGetValues("Retry-After", out var values))
        {
            return null;
        }
        var raw = values.FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, TimeSpan.FromDays(1).TotalSeconds)) : null;
        }
        if (DateTimeOffset.TryParseExact(raw, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    internal static bool IsRetryable(HttpStatusCode status, string kind) =>
        IsRetryableStatus((int)status, kind == WandbRequestKind.UpsertBucket);
}
