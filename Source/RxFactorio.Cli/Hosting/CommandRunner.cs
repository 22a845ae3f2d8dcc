using System.CommandLine;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Commands;
using RxFactorio.Cli.Settings;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.RunLog;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Hosting;

/// <summary>What <c>run</c> and <c>replay</c> share: settings, sink, the pipeline, the report and the exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> ExecuteAsync(
        string command,
        ParseResult parse,
        CommonOptions common,
        Func<IScheduler, IObserver<IngestDiagnostic>, ILoggerFactory, IObservable<FactorioEvent>> events,
        WhenSinkFallsBehind whenBehind,
        CliEnvironment environment,
        CancellationToken stop,
        Func<CliSettings, ILogger, RecoveryPlan?>? recover = null)
    {
        using var loggers = CreateLoggers();
        var logger = loggers.CreateLogger("rxfactorio");
        try
        {
            var config = SettingsLoader.Build(parse.GetValue(common.Config), common.ToConfiguration(parse), environment.Variables, environment.WorkingDirectory);
            var settings = SettingsLoader.Load(config, environment.WorkingDirectory);
            var diagnostics = new DiagnosticCounts(keepFirst: 20);
            var recovery = recover?.Invoke(settings, logger);
            var runs = settings.Runs with { Diagnostics = diagnostics, Resume = recovery?.Runs ?? [] };
            await using var sink = SinkFactory.Create(settings, environment, loggers, recovery);
            var outcome = await PipelineHost.RunAsync(
                scheduler => events(scheduler, diagnostics, loggers), sink.Sink, runs, new SendOptions { WhenFull = whenBehind }, logger, stop, run => sink.Locate(settings, run));
            await sink.CompleteAsync(CancellationToken.None);
            foreach (var run in outcome.Runs)
            {
                // NOTE: online runs get their entity and project from W&B once their log is sent.
                run.Location = sink.Locate(settings, run.Run) ?? run.Location;
            }
            return Report(environment.Output, command, settings, sink, outcome, diagnostics);
        }
        catch (SettingsError ex)
        {
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (WandbAuthenticationException ex)
        {
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (FileNotFoundException ex)
        {
            await environment.Error.WriteLineAsync($"rxfactorio {command}: file not found: {ex.FileName ?? ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or WandbRequestException or InvalidOperationException)
        {
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Human-readable single-line logs on stderr (stdout carries the command's results).</summary>
    public static ILoggerFactory CreateLoggers() => LoggerFactory.Create(builder => builder
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddFilter("System.Net.Http", LogLevel.Warning)
        .AddFilter("Polly", LogLevel.Warning)
        .SetMinimumLevel(LogLevel.Information));

    private static int Report(TextWriter output, string command, CliSettings settings, SinkChoice sink, PipelineOutcome outcome, DiagnosticCounts diagnostics)
    {
        output.WriteLine($"{outcome.Runs.Count} run(s), {outcome.Rows} row(s), mode {sink.Mode.ToString().ToLowerInvariant()}");
        foreach (var run in outcome.Runs)
        {
            var where = run.Location is { } location ? $"  {location}" : "";
            output.WriteLine($"  {Validation.Printable.Of(run.Run.DisplayName)}  id {run.Run.RunId}  rows {run.Rows}  last step {run.LastStep?.ToString() ?? "-"}  {(run.Finished ? "finished" : "NOT finished")}{where}");
        }
        if (diagnostics.Total > 0)
        {
            output.WriteLine($"{diagnostics.Count(DiagnosticSeverity.Rejected)} line(s) rejected, {diagnostics.Count(DiagnosticSeverity.Skipped)} skipped, {diagnostics.Count(DiagnosticSeverity.PartDropped)} value(s) dropped; first: {diagnostics.First[0]}");
        }
        if (sink.Sink is OfflineRunSink offlineSink && outcome.Runs.Count > 0)
        {
            output.WriteLine($"Offline runs are in {offlineSink.Layout.WandbDirectory}");
            output.WriteLine($"Upload them with: rxfactorio sync {offlineSink.Layout.WandbDirectory}");
        }
        var failed = !outcome.EveryRunFinished;
        if (sink.Undelivered() is { } undelivered)
        {
            output.WriteLine(undelivered);
            failed = true;
        }
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
