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

internal sealed record StatusFault(int StatusCode, string? RetryAfter);
