using Microsoft.Extensions.Hosting;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The pipeline as the host's one hosted service. It ends the host when the pipeline ends by
/// itself (a replay's last event, stdin closed); the host's stop (a signal) ends the pipeline
/// gracefully; the shutdown timeout passing aborts it.
/// </summary>
internal sealed class PipelineService(PipelineJob job, ShutdownSignals signals, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // NOTE: the drain deadline is ours, started when stopping starts: the host's own
        // ShutdownTimeout (set a little longer) only stops *waiting* for this service, it would
        // leave the pipeline running and the exit code unreported.
        using var deadline = new CancellationTokenSource();
        using var startDeadline = stoppingToken.Register(() => deadline.CancelAfter(job.Settings.ShutdownTimeout));
        using var onDeadline = deadline.Token.Register(() => signals.TriggerAbort($"the shutdown timeout ({job.Settings.ShutdownTimeout.TotalSeconds:0.###}s) passed"));
        try
        {
            await job.RunAsync(stoppingToken, signals).ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
