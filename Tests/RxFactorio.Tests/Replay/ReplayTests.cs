using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Replay;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Replay;

public sealed class ReplayTests : ReactiveTest
{
    private static readonly long Second = TimeSpan.TicksPerSecond;

    private static List<(long At, long Tick)> Replay(IEnumerable<FactorioEvent> events, ReplaySpeed speed)
    {
        var scheduler = new TestScheduler();
        var seen = new List<(long, long)>();
        using var _ = events.ReplayAt(speed, scheduler).Subscribe(e => seen.Add((scheduler.Clock, e.Tick)));
        scheduler.Start();
        var first = seen.Count > 0 ? seen[0].Item1 : 0;
        return [.. seen.Select(e => (e.Item1 - first, e.Item2))];
    }

    [Test]
    public void Replay_AtSpeedOne_EmitsEachEventAtItsGameTime()
    {
        var events = new[] { Ev.Stats("s", 10), Ev.Stats("s", 11), Ev.Stats("s", 13) };

        Assert.That(Replay(events, ReplaySpeed.RealTime), Is.EqualTo(new[] { (0L, 1200L), (2 * Second, 1320L), (6 * Second, 1560L) }));
    }

    [Test]
    public void Replay_AtSpeedFour_DividesGameTime()
    {
        var events = new[] { Ev.Stats("s", 10), Ev.Stats("s", 12) };

        Assert.That(Replay(events, ReplaySpeed.Times(4)), Is.EqualTo(new[] { (0L, 1200L), (Second, 1440L) }));
    }

    [Test]
    public void Replay_TickGoingBackwards_IsDueAtOnceAndTimeGoesOnFromThere()
    {
        var events = new FactorioEvent[] { Ev.Stats("a", 100), Ev.Init("b", 0), Ev.Stats("b", 1) };

        Assert.That(Replay(events, ReplaySpeed.RealTime), Is.EqualTo(new[] { (0L, 12000L), (0L, 0L), (2 * Second, 120L) }));
    }

    [Test]
    public void Replay_AtMaxSpeed_EmitsEverythingAtOnce()
    {
        var events = Enumerable.Range(1, 100).Select(c => Ev.Stats("s", c));

        Assert.That(Replay(events, ReplaySpeed.Max).Select(e => e.At).Distinct(), Is.EqualTo(new[] { 0L }));
    }

    [Test]
    public void Replay_ReadsTheNextEventOnlyWhenThePreviousIsDue()
    {
        var pulled = 0;
        IEnumerable<FactorioEvent> Events()
        {
            for (var c = 1; c <= 1000; c++)
            {
                pulled++;
                yield return Ev.Stats("s", c);
            }
        }
        var scheduler = new TestScheduler();
        using var _ = Events().ReplayAt(ReplaySpeed.RealTime, scheduler).Subscribe(_ => { });

        scheduler.AdvanceTo(10 * Second);

        Assert.That(pulled, Is.InRange(5, 7), "about one event per two game seconds, never the whole recording");
    }

    [TestCase("1", 1.0)]
    [TestCase("0.5", 0.5)]
    [TestCase("MAX", double.PositiveInfinity)]
    public void ReplaySpeed_Parses(string text, double factor)
    {
        Assert.That(ReplaySpeed.TryParse(text, out var speed), Is.True);
        Assert.That(speed.Factor, Is.EqualTo(factor));
    }

    [TestCase("0")]
    [TestCase("-2")]
    [TestCase("fast")]
    [TestCase("NaN")]
    public void ReplaySpeed_RejectsNonsense(string text) => Assert.That(ReplaySpeed.TryParse(text, out _), Is.False);

    /// <summary>
    /// The whole freeplay recording at --speed 1 with the default options: the sink calls and
    /// their virtual times follow from the recording itself. Stats come every 2 game seconds; a
    /// row is complete when the next cycle arrives; the 5 s batch windows start when the run does.
    /// </summary>
    [Test]
    public void WholeRecording_AtSpeedOne_ProducesTheExpectedSinkCallsAtTheExpectedTimes()
    {
        var path = Parse.RepoFile("samples", "recordings", "freeplay.jsonl");
        var events = RecordingReader.ReadEvents(path).ToList();
        var stats = events.OfType<StatsEvent>().ToList();
        var firstTick = events[0].Tick;
        long At(long tick) => (tick - firstTick) * Second / 60;

        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var options = new RunOptions { Random = new Random(1) };
        var done = false;
        using var _ = RecordingReader.ReadEvents(path).ReplayAt(ReplaySpeed.RealTime, scheduler)
            .ToRunCommands(options, scheduler).SendTo(sink).Subscribe(_ => { }, () => done = true);
        scheduler.Start();

        var end = At(events[^1].Tick);
        var expected = new List<(long At, string What)> { (0, "start") };
        // A row is complete when the next cycle's stats arrive, and goes to the sink in that turn of
        // the scheduler (the test scheduler runs "now" one tick later); the end of the recording
        // flushes the last row. No row waits for a batch window.
        var released = stats.Select((s, i) => (s.Cycle, At: i + 1 < stats.Count ? Math.Min(At(stats[i + 1].Tick) + 1, end) : end));
        foreach (var batch in released.GroupBy(r => r.At))
        {
            expected.Add((batch.Key, $"batch {batch.First().Cycle}..{batch.Last().Cycle}"));
        }
        expected.Add((end, "finish Shutdown"));

        var origin = sink.Commands[0].At.Ticks;
        var actual = sink.Commands.Where(c => c.Command is not LogBatch { Rows.IsEmpty: true }).Select(c => (c.At.Ticks - origin, c.Command switch
        {
            StartRun => "start",
            LogBatch b => $"batch {b.Rows[0].Step}..{b.Rows[^1].Step}",
            FinishRun f => $"finish {f.Reason}",
            _ => "?",
        })).ToList();
        Assert.That(done, Is.True);
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(sink.RowsOf(sink.StartedRuns.Single().RunId).Select(r => r.Step), Is.EqualTo(stats.Select(s => s.Cycle)));
        Assert.That(sink.LogLinesOf(sink.StartedRuns.Single().RunId), Has.Count.EqualTo(events.OfType<GameEvent>().Count()));
    }

    /// <summary>
    /// A stop signal disposes the replay from another thread, possibly while the scheduler's
    /// thread is inside the enumerator's MoveNext (reading and parsing a chunk of the recording).
    /// Disposing the enumerator right then ran a compiler-built iterator's finally blocks and
    /// cleared its locals under the reader: ArgumentNullException in ReadOnlySequence's
    /// constructor, NullReferenceExceptions, or a torn line reported as rejected.
    /// </summary>
    [Test]
    public void Dispose_FromAnotherThreadDuringMoveNext_DisposesTheEnumeratorOnlyAfterTheRead()
    {
        var scheduler = new TestScheduler();
        IDisposable subscription = null!;
        var events = new ProbeEvents(onMoveNext: index =>
        {
            if (index == 2)
            {
                Task.Run(() => subscription.Dispose()).Wait();
            }
        });
        var seen = new List<long>();
        subscription = events.ReplayAt(ReplaySpeed.Max, scheduler).Subscribe(e => seen.Add(e.Tick));

        scheduler.Start();

        Assert.That(events.DisposedDuringMoveNext, Is.False, "the enumerator was disposed while MoveNext ran on the scheduler");
        Assert.That(events.Disposed, Is.True);
        Assert.That(events.MoveNextCalls, Is.EqualTo(2), "nothing is read after the dispose");
        Assert.That(seen, Is.EqualTo(new[] { Ev.Stats("s", 1).Tick }), "the event read during the dispose is not emitted");
    }

    /// <summary>
    /// The scheduler's thread may run the first step before Start() has stored its handle (an
    /// EventLoopScheduler's thread, while the subscribing thread is descheduled). That first step
    /// already scheduled the next one; storing the first step's handle in the same serial
    /// disposable then cancelled it, and the replay stalled for good after its first events.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void FirstStepRunningBeforeStartReturns_TheReplayStillGoesOnToTheEnd(bool realTime)
    {
        var scheduler = new FirstActionInline(new TestScheduler());
        var events = Enumerable.Range(1, 600).Select(c => (FactorioEvent)Ev.Stats("s", c)).ToList();
        var seen = new List<long>();
        var completed = false;

        using var _ = events.ReplayAt(realTime ? ReplaySpeed.Times(1000) : ReplaySpeed.Max, scheduler).Subscribe(e => seen.Add(e.Tick), () => completed = true);
        scheduler.Inner.Start();

        Assert.That(seen, Has.Count.EqualTo(events.Count));
        Assert.That(completed, Is.True);
    }

    /// <summary>Runs the first action given without a due time at once, on the caller's thread, before returning; the rest on <see cref="Inner"/>.</summary>
    private sealed class FirstActionInline(TestScheduler inner) : System.Reactive.Concurrency.IScheduler
    {
        private bool _first = true;

        public TestScheduler Inner => inner;

        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action)
        {
            if (_first)
            {
                _first = false;
                action(this, state);
                return System.Reactive.Disposables.Disposable.Empty;
            }
            return inner.Schedule(state, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, dueTime, (_, s) => action(this, s));

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, dueTime, (_, s) => action(this, s));
    }

    private sealed class ProbeEvents(Action<int> onMoveNext) : IEnumerable<FactorioEvent>, IEnumerator<FactorioEvent>
    {
        private volatile bool _moving;

        public int MoveNextCalls { get; private set; }

        public bool Disposed { get; private set; }

        public bool DisposedDuringMoveNext { get; private set; }

        public FactorioEvent Current { get; private set; } = null!;

        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            _moving = true;
            try
            {
                MoveNextCalls++;
                onMoveNext(MoveNextCalls);
                Current = Ev.Stats("s", MoveNextCalls);
                return MoveNextCalls <= 5;
            }
            finally
            {
                _moving = false;
            }
        }

        public void Dispose()
        {
            DisposedDuringMoveNext |= _moving;
            Disposed = true;
        }

        public void Reset() => throw new NotSupportedException();

        public IEnumerator<FactorioEvent> GetEnumerator() => this;

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this;
    }
}
