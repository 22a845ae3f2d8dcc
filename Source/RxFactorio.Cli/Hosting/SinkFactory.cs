using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Monitoring;
using RxFactorio.Cli.Settings;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The sink a command writes to, chosen by the mode: the run-log sink (with its shipper online,
/// without offline), or nothing (<c>--mode disabled</c>); and how to report where the runs went.
/// </summary>
internal sealed class SinkChoice : IAsyncDisposable
{
    private string? _undelivered;

    public SinkChoice(WandbMode mode, RunLogSink? runLog)
    {
        Mode = mode;
        RunLog = runLog;
        Sink = runLog ?? (IRunSink)new DiscardingSink();
    }

    public WandbMode Mode { get; }

    public IRunSink Sink { get; }

    /// <summary>The run-log sink; <c>null</c> when disabled.</summary>
    public RunLogSink? RunLog { get; }

    /// <summary>The W&amp;B connection of an online sink (for the key check at start); <c>null</c> otherwise.</summary>
    public WandbConnection? Connection => RunLog?.Connection;

    /// <summary>
    /// After the pipeline: online, finishes recovered runs and waits (bounded) until W&amp;B has
    /// everything; what it has not stays in the run logs for the next start or <c>sync</c>.
    /// </summary>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    /// <param name="timeout">How long to wait for W&amp;B.</param>
    /// <param name="cancellationToken">Stops waiting at once (a second signal, the shutdown deadline).</param>
    public async Task CompleteAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (RunLog is not { IsOnline: true } online)
        {
            return;
        }
        bool drained;
        // NOTE: a retry wait that would outlast the deadline is cut (the connection gives its request up), and then
        // waiting on is pointless: the drain ends at once, the rows stay in the run logs.
        Connection?.CutRetryWaitsAt(Connection.TimeProvider.GetUtcNow() + timeout);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Connection?.RetryWaitCut ?? CancellationToken.None);
        try
        {
            drained = await online.CompleteAsync(timeout, giveUp.Token);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            drained = false;
        }
        if (!drained)
        {
            _undelivered = Waiting(online);
        }
    }

    private static string Waiting(RunLogSink online)
    {
        var folders = online.UndeliveredRuns;
        return $"not yet delivered: {folders.Count} run(s) wait in their run logs ({string.Join(", ", folders)}); " +
            $"they are sent at the next start, or now with: rxfactorio sync {online.Layout.WandbDirectory}";
    }

    /// <summary>What did not reach W&amp;B, for the report (counts from the meter, <paramref name="metrics"/>); <c>null</c> when everything did.</summary>
    public string? Undelivered(MetricsSnapshot metrics)
    {
        if (_undelivered is not null)
        {
            return _undelivered;
        }
        // NOTE: a second signal may end the command while the drain is still under way (before it could say so).
        if (RunLog is { IsOnline: true } online && !online.IsDrained)
        {
            return Waiting(online);
        }
        return metrics.RowsDropped > 0 || metrics.BatchesSkipped > 0
            ? $"not delivered: {metrics.RowsDropped} row(s) dropped, {metrics.BatchesSkipped} batch(es) skipped (see the log above)"
            : null;
    }

    /// <summary>Where a person sees a run: its W&amp;B URL, or its offline folder.</summary>
    public string? Locate(CliSettings settings, RunInfo run) => RunLog switch
    {
        { IsOnline: true } online when online.Location(run.RunId) is { } at => RunUrls.For(settings.Wandb.BaseUrl, at.Entity, at.Project, run.RunId),
        { IsOnline: true } when settings.Wandb.Entity is { } entity => RunUrls.For(settings.Wandb.BaseUrl, entity, settings.Wandb.Project, run.RunId),
        { IsOnline: false } offline => offline.FolderOf(run.RunId),
        _ => null,
    };

    public ValueTask DisposeAsync() => RunLog?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Chooses the sink: online when a key is found (or asked for), else offline; or disabled.</summary>
internal static class SinkFactory
{
    /// <summary>Whether the command goes online (a key is found and the mode allows it).</summary>
    public static bool IsOnline(CliSettings settings, CliEnvironment environment) =>
        settings.Mode is WandbMode.Online
        || (settings.Mode is null && new ApiKeyResolver(environment.GetVariable).Resolve(settings.Wandb.BaseUrl) is not null);

    public static SinkChoice Create(
        CliSettings settings, CliEnvironment environment, ILoggerFactory loggers, SourceRecovery? recovery = null,
        IObserver<RxFactorio.Diagnostics.IngestDiagnostic>? diagnostics = null, SourceLabelUse labelAs = SourceLabelUse.Tag)
    {
        var keys = new ApiKeyResolver(environment.GetVariable);
        var credentials = settings.Mode is null or WandbMode.Online ? keys.Resolve(settings.Wandb.BaseUrl) : null;
        var mode = settings.Mode ?? (credentials is null ? WandbMode.Offline : WandbMode.Online);
        if (mode is WandbMode.Disabled)
        {
            return new SinkChoice(mode, null);
        }
        var options = new RunLogSinkOptions
        {
            RootDirectory = settings.Directory,
            Entity = settings.Wandb.Entity,
            Project = settings.Wandb.Project,
            Attributes = new RunAttributes
            {
                Tags = settings.Wandb.Tags,
                Group = settings.Wandb.Group,
                Notes = settings.Wandb.Notes,
                JobType = settings.Wandb.JobType,
                Host = Environment.MachineName,
            },
            LabelAs = labelAs,
            CommandLine = environment.Arguments,
            ScriptOutputDirectory = settings.ScriptOutput,
            ScreenshotInterval = settings.ScreenshotInterval,
            Diagnostics = diagnostics,
        };
        options = (recovery ?? SourceRecovery.None).ApplyTo(options);
        if (mode is not WandbMode.Online)
        {
            return new SinkChoice(mode, new RunLogSink(options));
        }
        if (credentials is null)
        {
            throw new SettingsError(
                $"no W&B API key for {settings.Wandb.NetLocation}: set WANDB_API_KEY, or add 'machine {settings.Wandb.NetLocation}' to your netrc file, or use --mode offline");
        }
        // NOTE: online rows go through the run log (wandb/run-…): shipped from disk, so an outage or a crash loses nothing.
        var sink = new RunLogSink(options, WandbConnection.Create(settings.Wandb, new WandbCredentials(credentials.ApiKey), loggers), ownsConnection: true);
        try
        {
            sink.Recover();
        }
        catch
        {
            sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return new SinkChoice(mode, sink);
    }
}
