using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Commands;
using RxFactorio.Cli.Monitoring;
using RxFactorio.Cli.Settings;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Hosting;

/// <summary>Builds a command's events from the run-stage scheduler, a diagnostics observer, the loggers and where each source tells its state.</summary>
internal delegate IObservable<FactorioEvent> EventsFactory(IScheduler scheduler, IObserver<IngestDiagnostic> diagnostics, ILoggerFactory loggers, SourceStates sources);

/// <summary>What a <see cref="PipelineJob"/> needs from its command.</summary>
internal sealed record PipelineRequest(
    string Command,
    CliSettings Settings,
    CliEnvironment Environment,
    EventsFactory Events,
    WhenRunStageIsFull WhenBehind,
    long? ReplayBytes,
    Func<CliSettings, ILogger, SourceRecovery?>? Recover = null,
    bool LiveSources = false,
    Func<string, string?>? SourceLabels = null,
    SourceLabelUse LabelAs = SourceLabelUse.Tag);

/// <summary>
/// One run of the pipeline inside the host: sink, monitoring, the pipeline, the report and the
/// exit code (0 all delivered; 1 runtime failure or runs left unfinished; 2 configuration or
/// authentication).
/// </summary>
internal sealed partial class PipelineJob(PipelineRequest request, ILoggerFactory loggers, ConsoleStatus status)
{
    public CliSettings Settings => request.Settings;

    public int ExitCode { get; private set; } = ExitCodes.Failure;

    /// <summary>Whether <see cref="RunAsync"/> began (the host may be stopped before it does).</summary>
    public bool Started { get; private set; }

    public PipelineMetrics? Metrics { get; private set; }

    public async Task RunAsync(CancellationToken stop, ShutdownSignals signals)
    {
        Started = true;
        var (command, settings, environment) = (request.Command, request.Settings, request.Environment);
        var logger = loggers.CreateLogger("rxfactorio");
        var diagnostics = new DiagnosticCounts(keepFirst: 20);
        var diagnosticLog = new DiagnosticLog(loggers.CreateLogger("rxfactorio.input"), TimeProvider.System);
        using var meter = new MeterTotals();
        var metrics = Metrics = new PipelineMetrics(diagnostics, meter);
        MonitoringServer? server = null;
        try
        {
            var recovery = request.Recover?.Invoke(settings, logger);
            var runs = (recovery ?? SourceRecovery.None).ApplyTo(settings.Runs with { Diagnostics = new DiagnosticFanOut(diagnostics, diagnosticLog), SourceLabels = request.SourceLabels });
            await using var sink = SinkFactory.Create(settings, environment, loggers, recovery, runs.Diagnostics, request.LabelAs);
            metrics.Online = sink.RunLog is { IsOnline: true };
            if (sink.RunLog is { IsOnline: false } offline)
            {
                metrics.RunLogBytes = () => offline.RunFolders.Sum(RunLogBytes);
            }
            if (settings.HealthUrl is { } url)
            {
                server = MonitoringServer.Start(url, settings.HealthAllowRemote, metrics, new HealthCheck(metrics, TimeProvider.System) { SourcesStayOpen = request.LiveSources }, logger);
            }
            // NOTE: the key is checked at start, beside the reading (never before it: a FIFO writer must not wait);
            // a refusal fails /healthz at once and stops the pipeline gracefully (rows stay in the run log), exit 2.
            using var keyRefused = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var keyCheck = sink.Connection is { } connection
                ? WandbKeyCheck.Start(connection, refused => { metrics.Fail(refused.Message); CancelQuietly(keyRefused); }, keyRefused.Token)
                : null;
            using var cutRetryWaits = stop.Register(() => sink.Connection?.CutRetryWaitsAt(sink.Connection.TimeProvider.GetUtcNow() + settings.ShutdownTimeout));
            PipelineOutcome outcome;
            using (new LiveStatus(metrics, diagnosticLog, logger, TimeProvider.System, status, request.ReplayBytes))
            {
                outcome = await PipelineHost.RunAsync(
                    scheduler => request.Events(scheduler, runs.Diagnostics!, loggers, metrics.Sources),
                    sink.Sink, runs, new HandOffOptions { WhenFull = request.WhenBehind }, logger, keyRefused.Token,
                    run => sink.Locate(settings, run),
                    metrics, signals.Abort).ConfigureAwait(false);
            }
            if (keyCheck?.Rejection is { } rejection)
            {
                throw rejection;
            }
            if (!outcome.Aborted)
            {
                // NOTE: the pipeline is done; what the run logs hold goes to W&B now, bounded by the
                // shutdown deadline and a second signal; what is left waits on disk for the next start.
                await sink.CompleteAsync(settings.ShutdownTimeout, signals.Abort).ConfigureAwait(false);
            }
            foreach (var run in outcome.Runs)
            {
                // NOTE: online runs get their entity and project from W&B once their log is sent.
                run.Location = sink.Locate(settings, run.Run) ?? run.Location;
            }
            ExitCode = Report(environment.Output, sink, outcome, diagnostics, metrics.Snapshot(), recovery?.Runs ?? []);
            if (outcome.Aborted || signals.Abort.IsCancellationRequested)
            {
                var unfinished = outcome.Aborted
                    ? outcome.Runs.Count(r => !r.Finished)
                    : sink.RunLog?.UndeliveredRuns.Count ?? 0;
                await environment.Error.WriteLineAsync(
                    $"rxfactorio {command}: stopped at once ({signals.AbortReason ?? "aborted"}): {unfinished} run(s) left unfinished; rows already sent are kept, and rows in the run logs go out at the next start or with rxfactorio sync").ConfigureAwait(false);
                ExitCode = ExitCodes.Failure;
            }
        }
        catch (Exception ex) when (ex is SettingsError or WandbAuthenticationException)
        {
            metrics.Fail(ex.Message);
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}").ConfigureAwait(false);
            ExitCode = ExitCodes.Usage;
        }
        catch (FileNotFoundException ex)
        {
            metrics.Fail(ex.Message);
            await environment.Error.WriteLineAsync($"rxfactorio {command}: file not found: {ex.FileName ?? ex.Message}").ConfigureAwait(false);
            ExitCode = ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or WandbRequestException or InvalidOperationException or OperationCanceledException)
        {
            metrics.Fail(ex.Message);
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}").ConfigureAwait(false);
            ExitCode = ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            // NOTE: never let an exception reach the host (it would rethrow it from StopAsync and the
            // process would die with an unhandled exception); an unexpected one is a bug: full trace.
            metrics.Fail(ex.Message);
            await environment.Error.WriteLineAsync($"rxfactorio {command}: unexpected error: {ex}").ConfigureAwait(false);
            ExitCode = ExitCodes.Failure;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job had already ended: nothing left to stop.
        }
    }

    private static long RunLogBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.wandb", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>
    /// The end report: runs and rows, then a line per run. A run continued from a previous process's
    /// log counts its whole history, and says how many rows this process added: <c>rows 300 (120 this start)</c>.
    /// </summary>
    private static int Report(TextWriter output, SinkChoice sink, PipelineOutcome outcome, DiagnosticCounts diagnostics, MetricsSnapshot metrics, IReadOnlyList<ResumedRun> resumed)
    {
        var earlier = resumed.ToDictionary(r => r.Run.RunId, StringComparer.Ordinal);
        var runs = outcome.Runs;
        string Rows(long added, long? before) => before is { } b ? $"{added + b} ({added} this start)" : $"{added}";
        var rowsBefore = runs.Sum(r => earlier.GetValueOrDefault(r.Run.RunId)?.RowsBefore ?? 0);
        output.WriteLine($"{runs.Count} run(s), {Rows(runs.Sum(r => r.Rows), rowsBefore > 0 ? rowsBefore : null)} row(s), mode {sink.Mode.ToString().ToLowerInvariant()}");
        foreach (var run in runs)
        {
            var where = run.Location is { } location ? $"  {location}" : "";
            var before = earlier.GetValueOrDefault(run.Run.RunId);
            output.WriteLine($"  {RxFactorio.Diagnostics.Printable.Of(run.Run.DisplayName)}  id {run.Run.RunId}  rows {Rows(run.Rows, before?.RowsBefore)}  last step {(run.LastStep ?? before?.LastStep)?.ToString() ?? "-"}  {(run.Finished ? "finished" : "NOT finished")}{where}");
        }
        if (diagnostics.Total > 0)
        {
            // NOTE: after an abort a source may still count one; First is a copy that can lag Total.
            var first = diagnostics.First is [var earliest, ..] ? $"; first: {earliest}" : "";
            output.WriteLine($"{diagnostics.Count(DiagnosticSeverity.Rejected)} line(s) rejected, {diagnostics.Count(DiagnosticSeverity.Skipped)} skipped, {diagnostics.Count(DiagnosticSeverity.PartDropped)} value(s) dropped{first}");
        }
        if (sink.RunLog is { IsOnline: false } offline && outcome.Runs.Count > 0)
        {
            output.WriteLine($"Offline runs are in {offline.Layout.WandbDirectory}");
            output.WriteLine($"Upload them with: rxfactorio sync {offline.Layout.WandbDirectory}");
        }
        var failed = !outcome.EveryRunFinished;
        if (sink.Undelivered(metrics) is { } undelivered)
        {
            output.WriteLine(undelivered);
            failed = true;
        }
        output.Flush();
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
