using Microsoft.Reactive.Testing;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Recovery;

/// <summary>
/// A restart whose run log is ahead of its checkpoint (killed after the log write, before the
/// checkpoint save): the lines read again after the checkpoint have their rows in the log already.
/// They are skipped without a word; the run goes on after the log's last step.
/// </summary>
public sealed class RestartCatchUpTests : ReactiveTest
{
    [Test]
    public void LinesReReadPastTheCheckpoint_WhoseRowsAreInTheLog_AreNotReportedAsStale()
    {
        var scheduler = new TestScheduler();
        var diagnostics = new DiagnosticCounts(keepFirst: 10);
        var run = new RunInfo { RunId = "abcd1234", DisplayName = "s_1", Key = new RunKey("a", "s", 0), StartTick = 0 };
        var options = new RunOptions
        {
            BatchWindow = TimeSpan.FromTicks(50),
            Diagnostics = diagnostics,
            Random = new Random(1),
            // The checkpoint stands after cycle 3 (offset 300); the log holds rows through cycle 5.
            Resume = [new ResumedRun { Run = run, LastStep = 5, ResumeOffset = 300, ResumeLine = 3, ThroughOffset = 300 }],
        };
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, At(Ev.Stats("s", 4, production: ("coal", 4)), 400)),
            OnNext<FactorioEvent>(220, At(Ev.Stats("s", 5, production: ("coal", 5)), 500)),
            OnNext<FactorioEvent>(230, At(Ev.Stats("s", 6, production: ("coal", 6)), 600)),
            OnNext<FactorioEvent>(240, At(Ev.Stats("s", 7, production: ("coal", 7)), 700)),
            OnCompleted<FactorioEvent>(300));
        var sink = new RecordingSink(scheduler);

        scheduler.Start(() => events.ToRunCommands(options, scheduler).SendTo(sink), created: 100, subscribed: 200, disposed: 5000);

        Assert.That(diagnostics.Count(DiagnosticSeverity.Skipped), Is.Zero, string.Join("; ", diagnostics.First));
        Assert.That(sink.StartedRuns.Select(r => r.RunId).Distinct(), Is.EqualTo(new[] { "abcd1234" }), "the run continues");
        Assert.That(sink.RowsOf("abcd1234").Select(r => r.Step), Is.EqualTo(new long[] { 6, 7 }));
    }

    [Test]
    public void AStaleCycleAfterTheRunCaughtUp_IsStillReported()
    {
        var scheduler = new TestScheduler();
        var diagnostics = new DiagnosticCounts(keepFirst: 10);
        var run = new RunInfo { RunId = "abcd1234", DisplayName = "s_1", Key = new RunKey("a", "s", 0), StartTick = 0 };
        var options = new RunOptions
        {
            BatchWindow = TimeSpan.FromTicks(50),
            Diagnostics = diagnostics,
            Random = new Random(1),
            Resume = [new ResumedRun { Run = run, LastStep = 5, ResumeOffset = 500, ResumeLine = 5, ThroughOffset = 500 }],
        };
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, At(Ev.Stats("s", 6, production: ("coal", 6)), 600)),
            OnNext<FactorioEvent>(220, At(Ev.Stats("s", 7, production: ("coal", 7)), 700)),
            OnNext<FactorioEvent>(230, At(Ev.Stats("s", 3, production: ("coal", 3)), 800)),
            OnCompleted<FactorioEvent>(300));
        var sink = new RecordingSink(scheduler);

        scheduler.Start(() => events.ToRunCommands(options, scheduler).SendTo(sink), created: 100, subscribed: 200, disposed: 5000);

        Assert.That(diagnostics.First.Select(d => d.Reason), Is.EqualTo(new[] { DiagnosticReason.StaleCycle }));
    }

    private static StatsEvent At(StatsEvent stats, long offset) => stats with { SourceOffset = offset, LineNumber = offset / 100 };
}
