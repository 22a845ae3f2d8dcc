using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Replay;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>
/// Several sessions on one source (rule 3): each session is its own run; a run whose session has
/// been quiet for the session grace while another session of its source went on finishes. In
/// virtual time: live, 1 tick of the scheduler = 100 ns; replays count the recording's game time.
/// </summary>
public sealed class SessionGraceTests : ReactiveTest
{
    private static readonly RunOptions Live = new()
    {
        BatchWindow = TimeSpan.FromTicks(50),
        IdleTimeout = TimeSpan.FromTicks(400),
        SessionGrace = TimeSpan.FromTicks(100),
        Random = new Random(42),
    };

    private static readonly RunOptions Replayed = new()
    {
        SessionGrace = TimeSpan.FromSeconds(60),
        GraceInGameTime = true,
        Random = new Random(42),
    };

    private static List<(long Time, string What)> Run(TestScheduler scheduler, ITestableObservable<FactorioEvent> events, RunOptions options)
    {
        var results = scheduler.Start(() => events.ToRunCommands(options, scheduler), created: 100, subscribed: 200, disposed: 10_000);
        return [.. results.Messages
            .Where(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext)
            .Select(m => (m.Time, Describe.Command(m.Value.Value)))
            .Where(m => m.Item2.StartsWith("start", StringComparison.Ordinal) || m.Item2.StartsWith("finish", StringComparison.Ordinal))];
    }

    [Test]
    public void ASaveLoadedInOneSource_FinishesTheOldRunWhenItsGraceEnds_EvenWithNoLineThen()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("old", 0)),
            OnNext<FactorioEvent>(212, Ev.Stats("old", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(230, Ev.Init("new", 0)),
            OnNext<FactorioEvent>(240, Ev.Stats("new", 1, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(2000));

        var messages = Run(scheduler, events, Live);

        Assert.That(messages.Where(m => m.What.Contains("a/old#")), Is.EqualTo(new[]
        {
            (210L, "start a/old#1"),
            (312L, "finish a/old#1 SessionChanged"),
        }), "the old run finishes exactly one grace (100) after its last line (212)");
        Assert.That(messages.Where(m => m.What.Contains("a/new#")), Is.EqualTo(new[]
        {
            (230L, "start a/new#2"),
            (640L, "finish a/new#2 Idle"),
        }));
    }

    [Test]
    public void ASessionQuietLongerThanTheGrace_ButAloneOnItsSource_KeepsItsRun()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(500, Ev.Stats("s", 2, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(600));

        Assert.That(Run(scheduler, events, Live), Is.EqualTo(new[]
        {
            (210L, "start a/s#1"),
            (600L, "finish a/s#1 Shutdown"),
        }));
    }

    [Test]
    public void InterleavedSessionsWithinTheGrace_AreOneRunEach()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("p", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(250, Ev.Stats("q", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(290, Ev.Stats("p", 2, production: ("coal", 1))),
            OnNext<FactorioEvent>(330, Ev.Stats("q", 2, production: ("coal", 1))),
            OnNext<FactorioEvent>(370, Ev.Stats("p", 3, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(400));

        var messages = Run(scheduler, events, Live);

        Assert.That(messages.Where(m => m.What.StartsWith("start", StringComparison.Ordinal)), Is.EqualTo(new[] { (210L, "start a/p#1"), (250L, "start a/q#2") }));
        Assert.That(messages.Where(m => m.What.StartsWith("finish", StringComparison.Ordinal)).Select(m => m.What),
            Is.EquivalentTo(new[] { "finish a/p#1 Shutdown", "finish a/q#2 Shutdown" }));
    }

    [Test]
    public void ARunFinishedByTheGrace_ResumesWhenItsSessionComesBack()
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("p", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(220, Ev.Stats("q", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(300, Ev.Stats("q", 2, production: ("coal", 1))),
            OnNext<FactorioEvent>(350, Ev.Stats("p", 2, production: ("coal", 2))),
            OnCompleted<FactorioEvent>(500));

        var messages = Run(scheduler, events, Live);
        scheduler = new TestScheduler();
        scheduler.Start(() => scheduler.CreateHotObservable(events.Messages.ToArray()).ToRunCommands(Live with { Random = new Random(42) }, scheduler).SendTo(sink));

        Assert.That(messages.Where(m => m.What.Contains("a/p#")), Is.EqualTo(new[]
        {
            (210L, "start a/p#1"),
            (310L, "finish a/p#1 SessionChanged"),
            (350L, "start a/p#1 resumed"),
            (500L, "finish a/p#1 Shutdown"),
        }));
        var p = sink.StartedRuns.Where(r => r.SessionId == "p").Select(r => r.RunId).Distinct().Single();
        Assert.That(sink.RowsOf(p).Select(r => r.Step), Is.EqualTo(new[] { 1L, 2L }), "steps go on in the same run");
    }

    [Test]
    public void ASessionInit_FinishesOnlyItsOwnSessionsRun()
    {
        var scheduler = new TestScheduler();
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("p", 0)),
            OnNext<FactorioEvent>(211, Ev.Init("q", 0)),
            OnNext<FactorioEvent>(220, Ev.Init("p", 0)),
            OnNext<FactorioEvent>(230, Ev.Stats("q", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(240, Ev.Stats("p", 1, production: ("coal", 1))),
            OnCompleted<FactorioEvent>(300));

        var messages = Run(scheduler, events, Live);

        Assert.That(messages.Where(m => m.Time < 300), Is.EqualTo(new[]
        {
            (210L, "start a/p#1"),
            (211L, "start a/q#2"),
            (220L, "finish a/p#1 NewSession"),
            (220L, "start a/p#3"),
        }));
        Assert.That(messages.Where(m => m.Time == 300).Select(m => m.What), Is.EquivalentTo(new[] { "finish a/p#3 Shutdown", "finish a/q#2 Shutdown" }));
    }

    /// <summary>One game that plays <paramref name="oldCycles"/> cycles, loads another save and plays <paramref name="newCycles"/>.</summary>
    private static List<FactorioEvent> SaveLoad(int oldCycles, int newCycles) =>
    [
        Ev.Init("old", 0),
        .. Enumerable.Range(1, oldCycles).Select(c => Ev.Stats("old", c, production: ("coal", c))),
        Ev.Init("new", 0),
        .. Enumerable.Range(1, newCycles).Select(c => Ev.Stats("new", c, production: ("coal", c))),
    ];

    private static RecordingSink Replay(IEnumerable<FactorioEvent> recording, ReplaySpeed speed)
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        using var _ = recording.ReplayAt(speed, scheduler).ToRunCommands(Replayed with { Random = new Random(42) }, scheduler).SendTo(sink).Subscribe();
        scheduler.Start();
        return sink;
    }

    private static List<string> Finishes(RecordingSink sink) =>
        [.. sink.Commands.Select(c => c.Command).OfType<FinishRun>().Select(f => $"{f.Run.SessionId} {f.Reason} rows={sink.RowsOf(f.Run.RunId).Count}")];

    [Test]
    public void Replayed_TheGraceCountsGameTime_SoAMaxSpeedReplayFinishesTheOldRunAsTheGameDid()
    {
        // 31 cycles of the new save = 62 s of game time after the old one's last line: past the 60 s grace.
        var sink = Replay(SaveLoad(10, 31), ReplaySpeed.Max);

        Assert.That(Finishes(sink), Is.EqualTo(new[] { "old SessionChanged rows=10", "new Shutdown rows=31" }));
    }

    [Test]
    public void Replayed_ANewSaveShorterThanTheGrace_LeavesTheOldRunToShutdown()
    {
        // 29 cycles = 58 s of game time: within the grace.
        var sink = Replay(SaveLoad(10, 29), ReplaySpeed.Max);

        Assert.That(Finishes(sink), Is.EquivalentTo(new[] { "old Shutdown rows=10", "new Shutdown rows=29" }));
    }

    [Test]
    public void Replayed_TheRunsDoNotDependOnTheSpeed()
    {
        var recording = SaveLoad(10, 40);

        Assert.That(Finishes(Replay(recording, ReplaySpeed.Times(1))), Is.EqualTo(Finishes(Replay(recording, ReplaySpeed.Max))));
    }

    [Test]
    public void EightInterleavedSessions_AreEightRuns_WithEveryRow()
    {
        const int sessions = 8, cycles = 300;
        var recording = Enumerable.Range(1, cycles)
            .SelectMany(c => Enumerable.Range(0, sessions).Select(s => (FactorioEvent)Ev.Stats($"game{s}", c, production: ("iron-plate", c + s))))
            .ToList();

        var sink = Replay(recording, ReplaySpeed.Max);

        Assert.That(sink.StartedRuns.Select(r => r.SessionId), Is.EquivalentTo(Enumerable.Range(0, sessions).Select(s => $"game{s}")));
        foreach (var run in sink.StartedRuns)
        {
            var s = int.Parse(run.SessionId["game".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(sink.RowsOf(run.RunId).Select(r => (r.Step, r["production/iron-plate"])),
                Is.EqualTo(Enumerable.Range(1, cycles).Select(c => ((long)c, (double?)(c + s)))), run.SessionId);
        }
    }
}
