namespace RxFactorio.Cli.Monitoring;

/// <summary>The answer of <c>/healthz</c>.</summary>
internal sealed record HealthReport(bool Healthy, string Status, string? Reason, long RowsPending, long ActiveRuns, double? SecondsSinceProgress);

/// <summary>
/// Healthy while the pipeline runs (its sources are open) and the sink keeps up: nothing is
/// pending, or the sink made progress (a W&amp;B request accepted, rows delivered) within
/// <see cref="StallAfter"/>. Progress is sampled at each check, so a check needs no timer.
/// </summary>
internal sealed class HealthCheck(PipelineMetrics metrics, TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastProgress = -1;
    private DateTimeOffset _lastProgressAt = time.GetUtcNow();

    public TimeSpan StallAfter { get; init; } = TimeSpan.FromSeconds(60);

    public HealthReport Check()
    {
        var m = metrics.Snapshot();
        var now = time.GetUtcNow();
        double since;
        lock (_gate)
        {
            var progress = m.HttpRequests + m.RowsSent;
            if (progress != _lastProgress)
            {
                _lastProgress = progress;
                _lastProgressAt = now;
            }
            since = (now - _lastProgressAt).TotalSeconds;
        }
        string? reason = m.State switch
        {
            PipelineState.Running => null,
            PipelineState.Failed => $"the pipeline failed: {metrics.Failure}",
            PipelineState.Starting => "starting",
            PipelineState.Stopping => "stopping: flushing and finishing runs",
            _ => "stopped",
        };
        if (reason is null && m.RowsPending > 0 && since > StallAfter.TotalSeconds)
        {
            reason = $"{m.RowsPending} row(s) pending and no W&B request accepted for {since:0}s";
        }
        return new HealthReport(reason is null, reason is null ? "ok" : "unhealthy", reason, m.RowsPending, m.ActiveRuns, Math.Round(since, 1));
    }
}
