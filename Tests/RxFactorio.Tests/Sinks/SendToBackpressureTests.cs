using System.Reactive;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Sources;

namespace RxFactorio.Tests.Sinks;

/// <summary>What SendTo does when the sink (W&amp;B) falls behind: bounded waiting, or a loud warning.</summary>
public sealed class SendToBackpressureTests
{
    private static readonly RunInfo Run = new() { RunId = "abcd1234", DisplayName = "s_1", Key = new RunKey("a", "s", 1), StartTick = 0 };

    private static LogBatch Batch(int first, int rows) => new()
    {
        Run = Run,
        Rows = [.. Enumerable.Range(first, rows).Select(step => new HistoryRow(step, step * 120, step * 2, DateTimeOffset.UnixEpoch, [new("production/coal", step)]))],
    };

    /// <summary>A sink that holds every command until the test opens the gate.</summary>
    private sealed class GatedSink : IRunSink
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<RunCommand> Received { get; } = [];

        public void Open() => _gate.TrySetResult();

        public async ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
        {
            await _gate.Task.WaitAsync(cancellationToken);
            lock (Received)
            {
                Received.Add(command);
            }
        }
    }

    [Test]
    public async Task Wait_ProducerStopsAtTheBound_AndEverythingArrivesInOrderOnceTheSinkCatchesUp()
    {
        var sink = new GatedSink();
        var delivered = new List<RunCommand>();
        var completed = new TaskCompletionSource();
        var pump = new SerialSinkPump(sink, Observer.Create<RunCommand>(delivered.Add, e => completed.TrySetException(e), () => completed.TrySetResult()),
            new SendOptions { MaxPendingRows = 20, WhenFull = WhenSinkFallsBehind.Wait });
        var pushed = 0;
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                pump.OnNext(Batch(i * 5, 5));
                Interlocked.Increment(ref pushed);
            }
            pump.OnCompleted();
        });

        await Wait.UntilAsync(() => pump.ProducerWaiting, () => "the producer to wait for room");
        var pushedWhileBlocked = Volatile.Read(ref pushed);
        var pendingWhileBlocked = pump.PendingRows;
        sink.Open();
        await producer.WaitAsync(TimeSpan.FromSeconds(20));
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(pushedWhileBlocked, Is.LessThanOrEqualTo(5), "reading stopped near the bound");
        Assert.That(pendingWhileBlocked, Is.InRange(20, 25));
        Assert.That(delivered.Cast<LogBatch>().SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(Enumerable.Range(0, 250).Select(i => (long)i)));
        Assert.That(pump.PendingRows, Is.Zero);
    }

    [Test]
    public async Task Warn_ReadingGoesOnPastTheBound_WithOneWarning_AndNothingIsDropped()
    {
        var sink = new GatedSink();
        var logger = new ListLogger();
        var completed = new TaskCompletionSource();
        var delivered = new List<RunCommand>();
        var pump = new SerialSinkPump(sink, Observer.Create<RunCommand>(delivered.Add, e => completed.TrySetException(e), () => completed.TrySetResult()),
            new SendOptions { MaxPendingRows = 20, WhenFull = WhenSinkFallsBehind.Warn, Logger = logger });

        for (var i = 0; i < 50; i++)
        {
            pump.OnNext(Batch(i * 5, 5));
        }
        pump.OnCompleted();
        var pendingBeforeCatchingUp = pump.PendingRows;
        sink.Open();
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(pendingBeforeCatchingUp, Is.EqualTo(250));
        Assert.That(logger.Count(Microsoft.Extensions.Logging.LogLevel.Warning, "The sink is behind"), Is.EqualTo(1));
        Assert.That(delivered.Cast<LogBatch>().Sum(b => b.Rows.Length), Is.EqualTo(250));
    }
}
