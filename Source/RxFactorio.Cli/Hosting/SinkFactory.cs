using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Settings;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Hosting;

/// <summary>The sink a command writes to, chosen by the mode, and how to report where the runs went.</summary>
internal sealed class SinkChoice(WandbMode mode, IRunSink sink) : IAsyncDisposable
{
    private string? _undelivered;

    public WandbMode Mode { get; } = mode;

    public IRunSink Sink { get; } = sink;

    /// <summary>The W&amp;B connection of an online sink (for the key check at start); <c>null</c> otherwise.</summary>
    public WandbConnection? Connection => Sink switch
    {
        LoggedWandbSink logged => logged.Connection,
        WandbRunSink wandb => wandb.Connection,
        _ => null,
    };

    /// <summary>
    /// After the pipeline: the online sink finishes recovered runs and waits (bounded) until W&amp;B
    /// has everything; what it has not stays in the run logs for the next start or <c>sync</c>.
    /// </summary>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    /// <param name="timeout">How long to wait for W&amp;B.</param>
    /// <param name="cancellationToken">Stops waiting at once (a second signal, the shutdown deadline).</param>
    public async Task CompleteAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool drained;
        // NOTE: a retry wait that would outlast the deadline is cut (the connection gives its request up), and then
        // waiting on is pointless: the drain ends at once, the rows stay in the run logs.
        Connection?.CutRetryWaitsAt(Connection.TimeProvider.GetUtcNow() + timeout);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Connection?.RetryWaitCut ?? CancellationToken.None);
        try
        {
            drained = Sink is not LoggedWandbSink logging || await logging.CompleteAsync(timeout, giveUp.Token);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            drained = false;
        }
        if (!drained && Sink is LoggedWandbSink logged)
        {
            var folders = logged.UndeliveredRuns;
            _undelivered = $"not yet delivered: {folders.Count} run(s) wait in their run logs ({string.Join(", ", folders)}); " +
                $"they are sent at the next start, or now with: rxfactorio sync {logged.Layout.WandbDirectory}";
        }
    }

    /// <summary>What did not reach W&amp;B, for the report; <c>null</c> when everything did.</summary>
    public string? Undelivered()
    {
        if (_undelivered is not null)
        {
            return _undelivered;
        }
        var counters = Sink switch
        {
            WandbRunSink wandb => wandb.Counters.Snapshot(),
            LoggedWandbSink logged => logged.Counters.Snapshot(),
            _ => null,
        };
        return counters is { } stats && (stats.RowsDropped > 0 || stats.BatchesSkipped > 0)
            ? $"not delivered: {stats.RowsDropped} row(s) dropped, {stats.BatchesSkipped} batch(es) skipped (see the log above)"
            : null;
    }

    /// <summary>Where a person sees a run: its W&amp;B URL, or its offline folder.</summary>
    public string? Locate(CliSettings settings, RunInfo run) => Sink switch
    {
        WandbRunSink online when online.GetRun(run.RunId) is { } client => RunUrls.For(settings.Wandb.BaseUrl, client.Entity, client.Project, run.RunId),
        LoggedWandbSink logged when logged.Location(run.RunId) is { } at => RunUrls.For(settings.Wandb.BaseUrl, at.Entity, at.Project, run.RunId),
        LoggedWandbSink when settings.Wandb.Entity is { } entity => RunUrls.For(settings.Wandb.BaseUrl, entity, settings.Wandb.Project, run.RunId),
        OfflineRunSink offline => offline.Layout.FindRunFolder(run.RunId)?.Path,
        _ => null,
    };

    public ValueTask DisposeAsync()
    {
        switch (Sink)
        {
            case IAsyncDisposable owned:
                return owned.DisposeAsync();
            case IDisposable owned:
                owned.Dispose();
                break;
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Chooses the sink: online when a key is found (or asked for), else offline; or disabled.</summary>
internal static class SinkFactory
{
    /// <summary>Whether the command goes online (a key is found and the mode allows it).</summary>
    public static bool IsOnline(CliSettings settings, CliEnvironment environment) =>
        settings.Mode is WandbMode.Online
        || (settings.Mode is null && new ApiKeyResolver(environment.GetVariable).Resolve(settings.Wandb.BaseUrl) is not null);

    public static SinkChoice Create(CliSettings settings, CliEnvironment environment, ILoggerFactory loggers, RecoveryPlan? recovery = null)
    {
        var keys = new ApiKeyResolver(environment.GetVariable);
        var credentials = settings.Mode is null or WandbMode.Online ? keys.Resolve(settings.Wandb.BaseUrl) : null;
        var mode = settings.Mode ?? (credentials is null ? WandbMode.Offline : WandbMode.Online);
        switch (mode)
        {
            case WandbMode.Online:
                if (credentials is null)
                {
                    throw new SettingsError(
                        $"no W&B API key for {settings.Wandb.NetLocation}: set WANDB_API_KEY, or add 'machine {settings.Wandb.NetLocation}' to your netrc file, or use --mode offline");
                }
                // NOTE: online rows go through the run log (wandb/run-…): sent from disk, so an outage or a crash loses nothing.
                var sink = new LoggedWandbSink(
                    WandbConnection.Create(settings.Wandb, new WandbCredentials(credentials.ApiKey), loggers),
                    new LoggedWandbSinkOptions
                    {
                        RootDirectory = settings.Directory,
                        Entity = settings.Wandb.Entity,
                        Project = settings.Wandb.Project,
                        Checkpoints = recovery?.Checkpoints ?? [],
                        RecoveredSources = recovery?.RecoveredSources ?? [],
                    },
                    ownsConnection: true);
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
            case WandbMode.Disabled:
                return new SinkChoice(mode, new DiscardingSink());
            default:
                return new SinkChoice(mode, new OfflineRunSink(new OfflineRunSinkOptions
                {
                    RootDirectory = settings.Directory,
                    Entity = settings.Wandb.Entity,
                    Project = settings.Wandb.Project,
                }));
        }
    }
}
