using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxFactorio.Batching;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio;

/// <summary>
/// The whole pipeline as one query, for hosts and embedders:
/// <c>chunks.FrameLines(…).ParseEvents(…)</c> per source, merged, then
/// <c>.ObserveOn(runScheduler).ToRunCommands(…).SendTo(sink)</c>. With crash recovery, open the
/// sources, and make the run options and the sink's options, through one
/// <see cref="Sources.SourceRecovery"/> (as <c>rxfactorio run</c> does online).
/// </summary>
public static class Pipeline
{
    /// <summary>Frames and parses one source's chunks into events.</summary>
    /// <param name="chunks">The source's borrowed chunks.</param>
    /// <param name="sourceName">The source's display name (its runs are keyed by it).</param>
    /// <param name="framing">Framing options; <c>null</c> uses the defaults.</param>
    /// <param name="parsing">Parse options; <c>null</c> uses the defaults.</param>
    public static IObservable<FactorioEvent> ToEvents(
        this IObservable<ReadOnlySequence<byte>> chunks, string sourceName, FramingOptions? framing = null, ParseOptions? parsing = null) =>
        chunks.FrameLines(sourceName, framing).ParseEvents(parsing);

    /// <summary>
    /// Groups events into runs and turns each run into its commands (start, batches, finish).
    /// The events must be observed on <paramref name="scheduler"/> (e.g. <c>ObserveOn</c> an
    /// <see cref="EventLoopScheduler"/>), which also drives batch windows and idle timeouts.
    /// </summary>
    /// <param name="events">The events of every source, serialized.</param>
    /// <param name="options">Run options; <c>null</c> uses the defaults.</param>
    /// <param name="scheduler">The run stage's scheduler.</param>
    public static IObservable<RunCommand> ToRunCommands(this IObservable<FactorioEvent> events, RunOptions? options, IScheduler scheduler)
    {
        options ??= new RunOptions();
        return events.GroupIntoRuns(options, scheduler).SelectMany(run => run.ToCommands(options, scheduler));
    }
}
