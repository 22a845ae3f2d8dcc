using System.Reactive.Linq;

namespace RxFactorio.Sinks;

/// <summary>Rx operators that deliver run commands to a sink.</summary>
public static class SinkExtensions
{
    /// <summary>
    /// Delivers every command to <paramref name="sink"/>, one at a time and in order, and passes
    /// each on once delivered. A sink that completes at once (the run-log sink) keeps nothing
    /// queued here: rows wait on disk, not in memory. Completes after the last delivery; a sink failure ends it with
    /// that error. To shut down without losing anything, complete the source and wait for this
    /// to complete; disposing abandons what is still queued.
    /// </summary>
    /// <param name="commands">The commands, e.g. <c>runs.SelectMany(run =&gt; run.ToCommands(…))</c>.</param>
    /// <param name="sink">The sink.</param>
    public static IObservable<RunCommand> SendTo(this IObservable<RunCommand> commands, IRunSink sink)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(sink);
        return Observable.Create<RunCommand>(observer =>
        {
            var pump = new SerialSinkPump(sink, observer);
            pump.Subscription = commands.Subscribe(pump);
            return pump;
        });
    }
}
