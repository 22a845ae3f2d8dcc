using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using System.Reactive.Threading.Tasks;
using RxFactorio.Cli.Monitoring;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The composition root: events (observed on one run-stage thread) → runs → batches → sink.
/// Cancelling <c>stop</c> completes the events, so every run is flushed and finished before
/// this returns. Cancelling <c>abort</c> abandons what is still queued: runs stay unfinished.
/// </summary>
internal static partial class PipelineHost
{
    public static async Task<PipelineOutcome> RunAsync(
        Func<IScheduler, IObservable<FactorioEvent>> events, IRunSink sink, RunOptions runs, HandOffOptions handOff, ILogger logger, CancellationToken stop,
        Func<RunInfo, string?>? locate = null, PipelineMetrics? metrics = null, CancellationToken abort = default)
    {
        using var runLoop = new RunLoop();
        var loop = runLoop.Scheduler;
        var outcome = new PipelineOutcome();
        var ended = 0;
        var stopRequested = Observable.Create<Unit>(observer => stop.Register(() =>
        {
            if (Volatile.Read(ref ended) != 0)
            {
                return;
            }
            metrics?.SetState(PipelineState.Stopping);
            LogStopping(logger);
            observer.OnNext(Unit.Default);
        }));
        var pipeline = events(loop)
            .TakeUntil(stopRequested)
            .HandOffTo(runLoop, handOff with { Logger = handOff.Logger ?? logger })
            .Do(e => metrics?.Reached(e))
            .ToRunCommands(runs, loop)
            .SendTo(sink)
            .Do(command =>
            {
                outcome.Record(command);
                string? location = null;
                if (command is StartRun && locate?.Invoke(command.Run) is { } found)
                {
                    location = found;
                    outcome.Locate(command.Run.RunId, found);
                }
                Log(logger, command, location);
            })
            .LastOrDefaultAsync();
        if (!stop.IsCancellationRequested)
        {
            metrics?.SetState(PipelineState.Running);
        }
        try
        {
            await pipeline.ToTask(abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            outcome.Aborted = true;
        }
        finally
        {
            Volatile.Write(ref ended, 1);
        }
        metrics?.SetState(PipelineState.Stopped);
        return outcome;
    }

    private static void Log(ILogger logger, RunCommand command, string? location)
    {
        switch (command)
        {
            case StartRun start:
                LogRunStarted(logger, start.Resumed ? "resumed" : "started", RxFactorio.Diagnostics.Printable.Of(start.Run.DisplayName), start.Run.RunId, location ?? "-");
                break;
            case FinishRun finish:
                LogRunFinished(logger, RxFactorio.Diagnostics.Printable.Of(finish.Run.DisplayName), finish.Run.RunId, finish.Reason);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {What}: {DisplayName} (id {RunId}) {Location}")]
    private static partial void LogRunStarted(ILogger logger, string what, string displayName, string runId, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run finished: {DisplayName} (id {RunId}, {Reason})")]
    private static partial void LogRunFinished(ILogger logger, string displayName, string runId, RunEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: reading ends, every run is flushed and finished")]
    private static partial void LogStopping(ILogger logger);
}
