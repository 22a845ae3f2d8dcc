using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The composition root: events (observed on one run-stage thread) → runs → batches → sink.
/// Cancelling <c>stop</c> completes the events, so every run is flushed and finished before
/// this returns.
/// </summary>
internal static partial class PipelineHost
{
    public static async Task<PipelineOutcome> RunAsync(
        Func<IScheduler, IObservable<FactorioEvent>> events, IRunSink sink, RunOptions runs, SendOptions send, ILogger logger, CancellationToken stop,
        Func<RunInfo, string?>? locate = null)
    {
        using var loop = new EventLoopScheduler(start => new Thread(start) { Name = "rxfactorio-runs", IsBackground = true });
        var outcome = new PipelineOutcome();
        var stopRequested = Observable.Create<Unit>(observer => stop.Register(() =>
        {
            LogStopping(logger);
            observer.OnNext(Unit.Default);
        }));
        await events(loop)
            .TakeUntil(stopRequested)
            .ObserveOn(loop)
            .ToRunCommands(runs, loop)
            .SendTo(sink, send with { Logger = send.Logger ?? logger })
            .Do(command =>
            {
                outcome.Record(command);
                if (command is StartRun && locate?.Invoke(command.Run) is { } location)
                {
                    outcome.Locate(command.Run.RunId, location);
                }
                Log(logger, command);
            })
            .LastOrDefaultAsync();
        return outcome;
    }

    private static void Log(ILogger logger, RunCommand command)
    {
        switch (command)
        {
            case StartRun start:
                LogRunStarted(logger, start.Resumed ? "resumed" : "started", Validation.Printable.Of(start.Run.DisplayName), start.Run.RunId);
                break;
            case FinishRun finish:
                LogRunFinished(logger, Validation.Printable.Of(finish.Run.DisplayName), finish.Run.RunId, finish.Reason);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {What}: {DisplayName} (id {RunId})")]
    private static partial void LogRunStarted(ILogger logger, string what, string displayName, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run finished: {DisplayName} (id {RunId}, {Reason})")]
    private static partial void LogRunFinished(ILogger logger, string displayName, string runId, RunEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: reading ends, every run is flushed and finished")]
    private static partial void LogStopping(ILogger logger);
}
