using Microsoft.Extensions.Hosting;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The pipeline as the host's one hosted service. It ends the host when the pipeline ends by
/// itself (a replay's last event, stdin closed); the host's stop (a signal) ends the pipeline
/// gracefully; <see cref="HostOptions.ShutdownTimeout"/> passing aborts it.
/// </summary>
internal sealed class PipelineService(PipelineJob job, ShutdownSignals signals, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await job.RunAsync(stoppingToken, signals).ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // NOTE: the host cancels this token when HostOptions.ShutdownTimeout has passed; then the
        // drain is cut short (runs stay unfinished) and the job reports it with exit code 1.
        using (cancellationToken.Register(() => signals.TriggerAbort($"the shutdown timeout ({job.Settings.ShutdownTimeout.TotalSeconds:0.#}s) passed")))
        {
            try
            {
                await base.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (ExecuteTask is { } running)
        {
            // The abort abandons the queue, so the job ends promptly; do not hang on a stuck sink.
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System)).ConfigureAwait(false);
        }
    }
}
