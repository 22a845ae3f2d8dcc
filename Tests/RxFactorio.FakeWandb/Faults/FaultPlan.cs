namespace RxFactorio.FakeWandb.Faults;

/// <summary>The faults taken from the queues for one request.</summary>
internal sealed record FaultPlan(TimeSpan? Delay, StatusFault? Status, DropTiming? Drop)
{
    public static readonly FaultPlan None = new(null, null, null);

    public bool IsEmpty => Delay is null && Status is null && Drop is null;

    public string Describe() => string.Join(
        ",",
        new[]
        {
            Delay is { } d ? $"delay:{d.TotalMilliseconds}ms" : null,
            Status is { } s ? $"status:{s.StatusCode}" : null,
            Drop is { } t ? $"drop:{t}" : null,
        }.Where(x => x is not null));
}

/// <param name="StatusCode">The status to answer with.</param>
/// <param name="RetryAfter">A Retry-After value, if any.</param>
/// <param name="EchoCredentials">Echo the request's credentials in the error text, as a careless server might: the Authorization header, its URL-encoded form and the decoded key.</param>
/// <param name="RateLimitReset">If set, the answer says the quota is spent: <c>RateLimit-Remaining: 0</c> and this <c>RateLimit-Reset</c>.</param>
internal sealed record StatusFault(int StatusCode, string? RetryAfter, bool EchoCredentials = false, string? RateLimitReset = null);
