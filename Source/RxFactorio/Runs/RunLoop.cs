using System.Reactive.Concurrency;

namespace RxFactorio.Runs;

/// <summary>
/// The run stage's one thread and clock: an <see cref="EventLoopScheduler"/> that knows its thread,
/// so a hand-off (<see cref="HandOffExtensions.HandOffTo"/>) can tell events already on it (a replay
/// reads on it) from events of a live source's reader thread.
/// </summary>
internal sealed class RunLoop : IDisposable
{
    private readonly EventLoopScheduler _scheduler;
    private volatile Thread? _thread;

    /// <summary>Creates the loop; its thread starts with the first scheduled work.</summary>
    /// <param name="name">The thread's name.</param>
    public RunLoop(string name = "rxfactorio-runs") =>
        _scheduler = new EventLoopScheduler(start => _thread = new Thread(start) { Name = name, IsBackground = true });

    /// <summary>The scheduler: observe the events on it and pass it to the run stage (batch windows, idle timeouts).</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>Whether the calling thread is the loop's.</summary>
    public bool IsCurrent => _thread is { } thread && ReferenceEquals(thread, Thread.CurrentThread);

    /// <summary>Stops the loop (work still queued is dropped).</summary>
    public void Dispose() => _scheduler.Dispose();
}
