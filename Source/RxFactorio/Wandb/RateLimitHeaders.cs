using System.Globalization;

namespace RxFactorio.Wandb;

/// <summary>
/// W&amp;B's <c>RateLimit-Remaining</c> (quota left, in an opaque unit) and <c>RateLimit-Reset</c>
/// (seconds until the quota window starts again), as draft-polli-ratelimit-headers-02 names them and
/// wandb-core reads them (core/internal/api/ratelimitheaders.go): both must be non-negative numbers, or neither counts.
/// </summary>
/// <param name="Remaining">Quota left in this window.</param>
/// <param name="ResetSeconds">Seconds until the window resets.</param>
internal readonly record struct RateLimitHeaders(double Remaining, double ResetSeconds)
{
    /// <summary>Reads both headers from <paramref name="response"/>.</summary>
    /// <returns>The values, or null when either is absent, not a number, or negative.</returns>
    public static RateLimitHeaders? Of(HttpResponseMessage? response)
    {
        if (response is null
            || Number(response, "RateLimit-Remaining") is not { } remaining
            || Number(response, "RateLimit-Reset") is not { } reset)
        {
            return null;
        }
        return new RateLimitHeaders(remaining, reset);
    }

    private static double? Number(HttpResponseMessage response, string name)
    {
        if (!response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return null;
        }
        var raw = values.FirstOrDefault()?.Trim();
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0
            ? value
            : null;
    }
}
