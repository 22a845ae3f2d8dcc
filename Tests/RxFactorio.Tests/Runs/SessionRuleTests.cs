using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>The session rules, in virtual time: 1 tick of the scheduler = 100 ns.</summary>
public sealed class SessionRuleTests : ReactiveTest
{
    private static readonly RunOptions Options = new()
    {
        BatchWindow = TimeSpan.FromTicks(50),
        IdleTimeout = TimeSpan.FromTicks(400),
        SessionGrace = TimeSpan.FromTicks(100),
        Random = new Random(42),
    };

    private static List<(long Time, string What)> Run(TestScheduler scheduler, ITestableObservable<FactorioEvent> events, RunOptions? options = null, long disposed = 5000)
    {
        var results = scheduler.Start(() => events.ToRunCommands(options ?? Options, scheduler), created: 100, subscribed: 200, disposed: disposed);
        return [.. results.Messages.Select(m => (m.Time, m.Value.Kind == System.Reactive.NotificationKind.OnNext ? Describe.Command(m.Value.Value) : m.Value.Kind.ToString()))];
    }

    [Test]
    public void Rule1_SessionInitFinishesTheActiveRunAndStartsANewOne_EvenForTheSameId()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("save", 0)),
            OnNext<FactorioEvent>(220, Ev.Stats("save", 1, production: ("iron-plate", 1))),
            OnNext<FactorioEvent>(230, Ev.Init("save", 0)),
            OnNext<FactorioEvent>(240, Ev.Stats("save", 1, production: ("iron-plate", 2))),
            OnCompleted<FactorioEvent>(300));

        Assert.That(Run(scheduler, events), Is.EqualTo(new[]
        {
            (210L, "start a/save#1"),
            (230L, "batch a/save#1 steps=[1]"),
            (230L, "finish a/save#1 NewSession"),
            (230L, "start a/save#2"),
            (291L, "batch a/save#2 steps=[1]"),
            (300L, "finish a/save#2 Shutdown"),
            (300L, "OnCompleted"),
        }));
    }

    [Test]
    public void Rule1_NewRunCarriesDisplayNameAndConfigFromSessionInit()
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("freeplay_216000", 216000, "freeplay")),
            OnCompleted<FactorioEvent>(300));

        scheduler.Start(() => events.ToRunCommands(Options, scheduler).SendTo(sink));

        var run = sink.StartedRuns.Single();
        Assert.That(run.DisplayName, Does.Match(@"^freeplay_216000_\d+$"));
        Assert.That(run.RunId, Does.Match("^[a-z0-9]{8}$"));
        Assert.That(run.Config, Is.EqualTo(new KeyValuePair<string, object?>[] { new("session_id", "freeplay_216000"), new("level_name", "freeplay"), new("start_tick", 216000L) }));
    }

    [Test]
    public void Rule2_StatsWithNoActiveRunStartsOneAtItsTickWithoutLevelName()
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 10, production: ("coal", 5))),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 11, production: ("coal", 6))),
            OnCompleted<FactorioEvent>(300));

        scheduler.Start(() => events.ToRunCommands(Options, scheduler).SendTo(sink));

        var run = sink.StartedRuns.Single();
        Assert.That((run.StartTick, run.LevelName), Is.EqualTo((1200L, (string?)null)));
        Assert.That(sink.RowsOf(run.RunId).Select(r => (r.Step, r.Runtime)), Is.EqualTo(new[] { (10L, 0.0), (11L, 2.0) }));
    }

    [Test]
    public void Rule3_AnotherSessionStartsItsOwnRun_AndTheQuietOneFinishesAfterTheGrace()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("one", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(215, Ev.Stats("one", 2, production: ("coal", 1))),
            OnNext<FactorioEvent>(225, Ev.Stats("two", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(290, Ev.Stats("two", 2, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(400));

        Assert.That(Run(scheduler, events), Is.EqualTo(new[]
        {
            (210L, "start a/one#1"),
            (216L, "batch a/one#1 steps=[1]"),
            (225L, "start a/two#2"),
            (266L, "batch a/one#1 steps=[2]"),
            (276L, "batch a/two#2 steps=[1]"),
            (315L, "finish a/one#1 SessionChanged"),
            (341L, "batch a/two#2 steps=[2]"),
            (400L, "finish a/two#2 Shutdown"),
            (400L, "OnCompleted"),
        }));
    }

    [Test]
    public void Rule4_CompletionFlushesPartialBatchesAndFinishesEveryRunOnEverySource()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("x", 1, source: "a", production: ("coal", 1))),
            OnNext<FactorioEvent>(211, Ev.Stats("y", 1, source: "b", production: ("coal", 1))),
            OnNext<FactorioEvent>(212, Ev.Stats("x", 2, source: "a", production: ("coal", 1))),
            OnCompleted<FactorioEvent>(220));

        var messages = Run(scheduler, events);

        Assert.That(messages.Where(m => m.What.Contains(" a/")), Is.EqualTo(new[]
        {
            (210L, "start a/x#1"),
            (213L, "batch a/x#1 steps=[1]"),
            (220L, "batch a/x#1 steps=[2]"),
            (220L, "finish a/x#1 Shutdown"),
        }));
        Assert.That(messages.Where(m => m.What.Contains(" b/")), Is.EqualTo(new[]
        {
            (211L, "start b/y#1"),
            (220L, "batch b/y#1 steps=[1]"),
            (220L, "finish b/y#1 Shutdown"),
        }));
        Assert.That(messages[^1], Is.EqualTo((220L, "OnCompleted")));
    }

    [Test]
    public void Rule5_IdleTimeoutFiresExactlyAtTheTimeoutAndTheSameSessionResumesTheRun()
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(1000, Ev.Stats("s", 2, production: ("coal", 2))),
            OnCompleted<FactorioEvent>(1100));

        var messages = Run(scheduler, events);
        scheduler = new TestScheduler();
        var again = scheduler.CreateHotObservable(events.Messages.ToArray());
        scheduler.Start(() => again.ToRunCommands(Options with { Random = new Random(42) }, scheduler).SendTo(sink));

        Assert.That(messages, Is.EqualTo(new[]
        {
            (210L, "start a/s#1"),
            (261L, "batch a/s#1 steps=[1]"),
            (610L, "finish a/s#1 Idle"),
            (1000L, "start a/s#1 resumed"),
            (1051L, "batch a/s#1 steps=[2]"),
            (1100L, "finish a/s#1 Shutdown"),
            (1100L, "OnCompleted"),
        }));
        Assert.That(sink.StartedRuns.Select(r => r.RunId).Distinct().Count(), Is.EqualTo(1), "same run id after resuming");
        Assert.That(sink.StartedRuns[0].DisplayName, Is.EqualTo(sink.StartedRuns[1].DisplayName));
    }

    [Test]
    public void Rule5_ANewRunOnTheSourceAfterIdle_MeansTheIdleRunNeverResumes()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(1000, Ev.Stats("t", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(1010, Ev.Stats("s", 2, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(1100));

        var messages = Run(scheduler, events).Where(m => m.What.StartsWith("start") || m.What.StartsWith("finish")).ToList();

        // NOTE: at shutdown the live runs of one source finish in no particular order; each run's own order is fixed.
        Assert.That(messages.Where(m => !m.What.Contains("a/t#")), Is.EqualTo(new[]
        {
            (210L, "start a/s#1"),
            (610L, "finish a/s#1 Idle"),
            (1010L, "start a/s#3"),
            (1100L, "finish a/s#3 Shutdown"),
        }));
        Assert.That(messages.Where(m => m.What.Contains("a/t#")), Is.EqualTo(new[] { (1000L, "start a/t#2"), (1100L, "finish a/t#2 Shutdown") }));
    }

    [Test]
    public void Rule5_ZeroIdleTimeoutNeverEndsARun()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(90_000, Ev.Stats("s", 2, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(90_100));

        var messages = Run(scheduler, events, Options with { IdleTimeout = TimeSpan.Zero }, disposed: 100_000);

        Assert.That(messages.Where(m => m.What.StartsWith("start") || m.What.StartsWith("finish")), Is.EqualTo(new[]
        {
            (210L, "start a/s#1"),
            (90_100L, "finish a/s#1 Shutdown"),
        }));
    }

    [Test]
    public void InterleavedSessionsOnTwoSources_AreIndependentRuns()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("p", 0, source: "a")),
            OnNext<FactorioEvent>(211, Ev.Init("q", 0, source: "b")),
            OnNext<FactorioEvent>(220, Ev.Stats("p", 1, source: "a", production: ("coal", 1))),
            OnNext<FactorioEvent>(221, Ev.Stats("q", 1, source: "b", production: ("coal", 1))),
            OnNext<FactorioEvent>(230, Ev.Stats("p", 2, source: "a", production: ("coal", 1))),
            OnNext<FactorioEvent>(231, Ev.Stats("q", 2, source: "b", production: ("coal", 1))),
            OnCompleted<FactorioEvent>(300));

        var messages = Run(scheduler, events);

        // NOTE: at shutdown the runs of different sources finish in no particular order; each run's own order is fixed.
        Assert.That(messages.Where(m => m.What.Contains(" a/")), Is.EqualTo(new[]
        {
            (210L, "start a/p#1"),
            (231L, "batch a/p#1 steps=[1]"),
            (281L, "batch a/p#1 steps=[2]"),
            (300L, "finish a/p#1 Shutdown"),
        }));
        Assert.That(messages.Where(m => m.What.Contains(" b/")), Is.EqualTo(new[]
        {
            (211L, "start b/q#1"),
            (232L, "batch b/q#1 steps=[1]"),
            (282L, "batch b/q#1 steps=[2]"),
            (300L, "finish b/q#1 Shutdown"),
        }));
        Assert.That(messages[^1], Is.EqualTo((300L, "OnCompleted")));
    }

    [Test]
    public void SessionInitOfAnotherSession_LeavesTheOldRunLiveUntilItsGraceEnds()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("old", 0)),
            OnNext<FactorioEvent>(211, Ev.Stats("old", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(212, Ev.Stats("old", 2, production: ("coal", 1))),
            OnNext<FactorioEvent>(213, Ev.Event("old", 250, "on_research_finished", fields: ("tech_name", "\"automation\""))),
            OnNext<FactorioEvent>(235, Ev.Init("new", 0)),
            OnNext<FactorioEvent>(240, Ev.Stats("new", 1, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(400));

        Assert.That(Run(scheduler, events), Is.EqualTo(new[]
        {
            (210L, "start a/old#1"),
            (213L, "batch a/old#1 steps=[1] lines=1"),
            (235L, "start a/new#2"),
            (263L, "batch a/old#1 steps=[2]"),
            (291L, "batch a/new#2 steps=[1]"),
            (313L, "finish a/old#1 SessionChanged"),
            (400L, "finish a/new#2 Shutdown"),
            (400L, "OnCompleted"),
        }));
    }
}
