using RxFactorio.Sources;

namespace RxFactorio.Cli.Monitoring;

/// <summary>The answer of <c>/healthz</c>.</summary>
internal sealed record HealthReport(
    bool Healthy,
    string Status,
    string? Reason,
    long RowsPending,
    long ActiveRuns,
    double? SecondsSinceProgress,
    IReadOnlyList<SourceStatus>? Sources = null);

/// <summary>
/// Healthy when all of these hold:
/// <list type="number">
/// <item>the pipeline is <see cref="PipelineState.Running"/> (not starting, stopping, stopped or failed);</item>
/// <item>with <see cref="SourcesStayOpen"/> (<c>run</c>), every source is <see cref="SourceState.Open"/>
/// or <see cref="SourceState.Waiting"/> (a tailed file the game has not created yet is normal before
/// the game starts); a <see cref="SourceState.Closed"/> or <see cref="SourceState.Failed"/> source is
/// unhealthy, and the reason names it. Without it (<c>replay</c>, whose recordings end by design) the
/// sources are only listed;</item>
/// <item>the sink keeps up: nothing is pending, or the sink made progress (a W&amp;B request
/// accepted, rows delivered) within <see cref="StallAfter"/>.</item>
/// </list>
/// The first rule that fails gives the reason. Progress is sampled at each check, so a check needs no timer.
/// </summary>
internal sealed class HealthCheck(PipelineMetrics metrics, TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastProgress = -1;
    private DateTimeOffset _lastProgressAt = time.GetUtcNow();

    public TimeSpan StallAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether every source must stay open (a live <c>run</c>); false for a replay.</summary>
    public bool SourcesStayOpen { get; init; }

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
            PipelineState.Running => SourcesStayOpen ? SourceProblem(m.Sources) : null,
            PipelineState.Failed => $"the pipeline failed: {metrics.Failure}",
            PipelineState.Starting => "starting",
            PipelineState.Stopping => "stopping: flushing and finishing runs",
            _ => "stopped",
        };
        if (reason is null && m.RowsPending > 0 && since > StallAfter.TotalSeconds)
        {
            reason = $"{m.RowsPending} row(s) pending and no W&B request accepted for {since:0}s";
        }
        return new HealthReport(reason is null, reason is null ? "ok" : "unhealthy", reason, m.RowsPending, m.ActiveRuns, Math.Round(since, 1), m.Sources);
    }

    private static string? SourceProblem(IReadOnlyList<SourceStatus> sources)
    {
        foreach (var source in sources)
        {
            switch (source.State)
            {
                case SourceState.Closed:
                    return $"source {source.Source} is closed";
                case SourceState.Failed:
                    return $"source {source.Source} failed";
            }
        }
        return null;
    }
}
