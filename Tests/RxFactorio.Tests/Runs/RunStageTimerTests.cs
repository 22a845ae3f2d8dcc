using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>
/// The run stage's timers (idle timeout, session grace, batch window), in virtual time. A live
/// run-stage scheduler (an <see cref="EventLoopScheduler"/>) keeps every timer in its queue until
/// it is due, cancelled or not: a timer per line for a 15-minute idle timeout is memory that grows
/// with the line rate for 15 minutes.
/// </summary>
public sealed class RunStageTimerTests : ReactiveTest
{
    [Test]
    public void ALongRun_HoldsAFewTimersInTheRunStage_NotOnePerLine()
    {
        var inner = new TestScheduler();
        var scheduler = new QueueCountingScheduler(inner);
        var options = new RunOptions
        {
            BatchWindow = TimeSpan.FromTicks(50),
            IdleTimeout = TimeSpan.FromTicks(400),
            SessionGrace = TimeSpan.FromTicks(100),
            Random = new Random(7),
        };
        var lines = Enumerable.Range(1, 2000)
            .Select(i => OnNext<FactorioEvent>(200 + i, Ev.Stats("game", i, production: ("iron-plate", i))))
            .ToArray();
        var events = inner.CreateHotObservable(lines);
        var rows = 0;

        using var subscription = events.ToRunCommands(options, scheduler).OfType<LogBatch>().Subscribe(batch => rows += batch.Rows.Length);
        inner.AdvanceTo(200 + 2000 + 1);

        Assert.That(rows, Is.EqualTo(1999), "every row but the pending one went out as it completed");
        Assert.That(scheduler.Held, Is.LessThanOrEqualTo(5), "timers waiting in the run stage's queue after 2,000 lines of one run");
    }

    [Test]
    public void LastAfterQuiet_GivesWhatThrottleGives_AtTheSameMoments([Values(1, 2, 3, 4, 5, 6, 7, 8)] int seed)
    {
        var random = new Random(seed);
        var quiet = TimeSpan.FromTicks(20);
        var time = 200L;
        var messages = new List<Recorded<System.Reactive.Notification<int>>>();
        for (var i = 0; i < 60; i++)
        {
            // Gaps shorter and longer than the quiet period, and equal to it.
            time += random.Next(4) switch { 0 => 20, 1 => random.Next(1, 20), 2 => random.Next(21, 60), _ => random.Next(1, 5) };
            messages.Add(OnNext(time, i));
        }
        messages.Add(random.Next(2) == 0 ? OnCompleted<int>(time + random.Next(1, 40)) : OnError<int>(time + random.Next(1, 40), new InvalidOperationException("x")));

        IList<Recorded<System.Reactive.Notification<int>>> Observe(Func<IObservable<int>, IScheduler, IObservable<int>> throttle)
        {
            var scheduler = new TestScheduler();
            var source = scheduler.CreateHotObservable([.. messages]);
            return scheduler.Start(() => throttle(source, scheduler), created: 100, subscribed: 150, disposed: time + 1000).Messages;
        }

        var expected = Observe((source, scheduler) => source.Throttle(quiet, scheduler));
        var actual = Observe((source, scheduler) => source.LastAfterQuiet(quiet, scheduler));

        Assert.That(expected.Count(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext), Is.GreaterThan(3));
        Assert.That(actual, Is.EqualTo(expected));
    }

    /// <summary>Counts the timers an <see cref="EventLoopScheduler"/> would hold: every one scheduled and not yet due, cancelled ones included.</summary>
    private sealed class QueueCountingScheduler(TestScheduler inner) : IScheduler
    {
        private readonly List<DateTimeOffset> _due = [];

        public DateTimeOffset Now => inner.Now;

        public int Held => _due.Count(due => due > inner.Now);

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            _due.Add(inner.Now);
            return inner.Schedule(state, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            _due.Add(inner.Now + dueTime);
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            _due.Add(dueTime);
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}
