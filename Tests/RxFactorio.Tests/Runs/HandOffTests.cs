using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxFactorio.Runs;
using RxFactorio.Tests.Sources;

namespace RxFactorio.Tests.Runs;

/// <summary>
/// The bounded hand-off from a reader thread to the run loop: with Wait the reader stops at the
/// capacity until the run stage catches up (streaming back-pressure instead of an in-memory
/// backlog); with Warn it never waits; a producer on the loop itself (a replay) goes straight through.
/// </summary>
public sealed class HandOffTests
{
    /// <summary>A run stage that holds every item until the test opens the gate.</summary>
    private sealed class GatedStage
    {
        private readonly ManualResetEventSlim _gate = new(false);

        public List<int> Received { get; } = [];

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.Set();

        public IDisposable Observe(IObservable<int> items) => items.Subscribe(
            i =>
            {
                _gate.Wait(TimeSpan.FromSeconds(20));
                lock (Received)
                {
                    Received.Add(i);
                }
            },
            e => Completed.TrySetException(e),
            () => Completed.TrySetResult());
    }

    [Test]
    public async Task Wait_ReaderStopsAtTheCapacity_AndEverythingArrivesInOrderOnceTheStageCatchesUp()
    {
        using var loop = new RunLoop("test-loop");
        var input = new Subject<int>();
        var stage = new GatedStage();
        var handOff = (BoundedHandOff<int>)null!;
        using var subscription = stage.Observe(Observable.Create<int>(observer =>
        {
            handOff = new BoundedHandOff<int>(observer, loop, new HandOffOptions { Capacity = 20 });
            handOff.Subscription = input.Subscribe(handOff);
            return handOff;
        }));
        var pushed = 0;
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                input.OnNext(i);
                Interlocked.Increment(ref pushed);
            }
            input.OnCompleted();
        });

        await Wait.UntilAsync(() => handOff.ProducerWaiting, () => $"the reader to wait for room ({pushed} pushed)");
        var pushedWhileBlocked = Volatile.Read(ref pushed);
        stage.Open();
        await producer.WaitAsync(TimeSpan.FromSeconds(20));
        await stage.Completed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The loop holds the first item at the gate and drains up to a turn's worth; 20 wait in the queue.
        Assert.That(pushedWhileBlocked, Is.LessThanOrEqualTo(21), "reading stopped at the capacity");
        Assert.That(stage.Received, Is.EqualTo(Enumerable.Range(0, 500)));
    }

    [Test]
    public async Task Warn_ReaderNeverWaits_WithOneWarning_AndNothingIsDropped()
    {
        using var loop = new RunLoop("test-loop");
        var input = new Subject<int>();
        var logger = new ListLogger();
        var stage = new GatedStage();
        using var subscription = stage.Observe(input.HandOffTo(loop, new HandOffOptions { Capacity = 20, WhenFull = WhenRunStageIsFull.Warn, Logger = logger }));

        for (var i = 0; i < 500; i++)
        {
            input.OnNext(i);
        }
        input.OnCompleted();
        stage.Open();
        await stage.Completed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(logger.Count(Microsoft.Extensions.Logging.LogLevel.Warning, "The run stage is behind"), Is.EqualTo(1));
        Assert.That(stage.Received, Is.EqualTo(Enumerable.Range(0, 500)));
    }

    [Test]
    public async Task ProducerOnTheLoop_IsDeliveredInline_NotQueued()
    {
        using var loop = new RunLoop("test-loop");
        var inline = new List<bool>();
        var done = new TaskCompletionSource();
        var received = new List<int>();
        var source = Observable.Create<int>(observer => loop.Scheduler.Schedule(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var before = received.Count;
                observer.OnNext(i);
                inline.Add(received.Count == before + 1);
            }
            observer.OnCompleted();
        }));

        using var subscription = source.HandOffTo(loop, new HandOffOptions { Capacity = 4 }).Subscribe(received.Add, () => done.TrySetResult());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(received, Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(inline, Is.All.True, "each item reached the run stage before the producer's OnNext returned");
    }
}
