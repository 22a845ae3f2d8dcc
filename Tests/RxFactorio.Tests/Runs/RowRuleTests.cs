using Microsoft.Reactive.Testing;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>How stats and game events become history rows, in virtual time.</summary>
public sealed class RowRuleTests : ReactiveTest
{
    private static (RecordingSink Sink, List<IngestDiagnostic> Diagnostics) Run(RunOptions options, params Recorded<System.Reactive.Notification<FactorioEvent>>[] messages)
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var diagnostics = new List<IngestDiagnostic>();
        var events = scheduler.CreateHotObservable(messages);
        var effective = options with { Diagnostics = System.Reactive.Observer.Create<IngestDiagnostic>(diagnostics.Add), Random = new Random(7) };
        scheduler.Start(() => events.ToRunCommands(effective, scheduler).SendTo(sink), 100, 200, 100_000);
        return (sink, diagnostics);
    }

    private static readonly RunOptions Fast = new() { BatchWindow = TimeSpan.FromTicks(50), IdleTimeout = TimeSpan.Zero };

    private static string OnlyRun(RecordingSink sink) => sink.StartedRuns.Single().RunId;

    [Test]
    public void Rows_StatsOfOneCycleMerge_LaterValuesWin()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("iron-plate", 1), ("coal", 5)])),
            OnNext<FactorioEvent>(211, Ev.Stats("s", 1, surface: "vulcanus", production: [("lava", 9)])),
            OnNext<FactorioEvent>(212, Ev.Stats("s", 1, production: [("iron-plate", 2)])),
            OnCompleted<FactorioEvent>(300));

        var row = sink.RowsOf(OnlyRun(sink)).Single();
        Assert.That(row.Step, Is.EqualTo(1));
        Assert.That(row["production/iron-plate"], Is.EqualTo(2));
        Assert.That(row["production/coal"], Is.EqualTo(5));
        Assert.That(row["production/vulcanus/lava"], Is.EqualTo(9));
        Assert.That(row["tick"], Is.EqualTo(120));
    }

    [Test]
    public void Rows_ZeroFill_LogsItemsSeenEarlierAsZero()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("iron-plate", 1), ("wood", 3)])),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 2, production: [("iron-plate", 2)])),
            OnCompleted<FactorioEvent>(300));

        var rows = sink.RowsOf(OnlyRun(sink));
        Assert.That(rows[1]["production/wood"], Is.EqualTo(0));
        Assert.That(rows[1]["production/iron-plate"], Is.EqualTo(2));
    }

    [Test]
    public void Rows_WithoutZeroFill_LeaveAbsentItemsOut()
    {
        var (sink, _) = Run(Fast with { ZeroFill = false },
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("iron-plate", 1), ("wood", 3)])),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 2, production: [("iron-plate", 2)])),
            OnCompleted<FactorioEvent>(300));

        Assert.That(sink.RowsOf(OnlyRun(sink))[1]["production/wood"], Is.Null);
    }

    [Test]
    public void Rows_OutOfOrderAndDuplicateCycles_AreNotSentButCountedWithTheirLine()
    {
        var (sink, diagnostics) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 5, production: [("coal", 1)])),
            OnNext<FactorioEvent>(211, Ev.Stats("s", 4, production: [("coal", 2)])),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 6, production: [("coal", 3)])),
            OnNext<FactorioEvent>(221, Ev.Stats("s", 5, production: [("coal", 4)])),
            OnNext<FactorioEvent>(300, Ev.Stats("s", 6, production: [("coal", 5)])),
            OnNext<FactorioEvent>(310, Ev.Stats("s", 7, production: [("coal", 6)])),
            OnCompleted<FactorioEvent>(400));

        Assert.That(sink.RowsOf(OnlyRun(sink)).Select(r => (r.Step, r["production/coal"])), Is.EqualTo(new[] { (5L, (double?)1), (6L, 3), (7L, 6) }));
        Assert.That(diagnostics.Select(d => (d.Reason, d.LineNumber)), Is.EqualTo(new[]
        {
            (DiagnosticReason.StaleCycle, 4L), (DiagnosticReason.StaleCycle, 5L), (DiagnosticReason.StaleCycle, 6L),
        }));
        Assert.That(diagnostics[0].Detail, Does.Contain("cycle 4").And.Contain("step 5"));
    }

    [Test]
    public void Rows_RuntimeCountsGameSecondsFromTheRunsStartTick()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Init("s", 600)),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 6, production: [("coal", 1)])),
            OnNext<FactorioEvent>(230, Ev.Stats("s", 7, production: [("coal", 1)])),
            OnCompleted<FactorioEvent>(300));

        Assert.That(sink.RowsOf(OnlyRun(sink)).Select(r => r.Runtime), Is.EqualTo(new[] { 2.0, 4.0 }));
    }

    [Test]
    public void GameEvents_CountIntoThePendingRowOrTheNextAndBecomeLogLines()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(205, Ev.Event("s", 100, "on_research_started", fields: [("tech_name", "\"automation-2\""), ("tech_level", "1")])),
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("coal", 1)])),
            OnNext<FactorioEvent>(215, Ev.Event("s", 110, "on_research_finished", fields: [("tech_name", "\"automation-2\""), ("tech_level", "1")])),
            OnNext<FactorioEvent>(216, Ev.Event("s", 111, "on_research_finished")),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 2, production: [("coal", 1)])),
            OnCompleted<FactorioEvent>(300));

        var run = OnlyRun(sink);
        var rows = sink.RowsOf(run);
        Assert.That(rows.Count, Is.EqualTo(2), "events never create rows of their own");
        Assert.That(rows[0]["events/on_research_started"], Is.EqualTo(1));
        Assert.That(rows[0]["events/on_research_finished"], Is.EqualTo(2));
        Assert.That(rows[1]["events/on_research_finished"], Is.Null);
        Assert.That(sink.LogLinesOf(run), Is.EqualTo(new[]
        {
            "[tick 100] on_research_started automation-2 1",
            "[tick 110] on_research_finished automation-2 1",
            "[tick 111] on_research_finished",
        }));
    }

    [Test]
    public void GameEvents_OfALaterCycle_AreCountedAtThatCycleNotThePendingOne()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 19, production: [("coal", 1)])),
            OnNext<FactorioEvent>(215, Ev.Event("s", 2400, "on_research_finished")),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 20, production: [("coal", 1)])),
            OnCompleted<FactorioEvent>(300));

        var rows = sink.RowsOf(OnlyRun(sink));
        Assert.That(rows.Select(r => (r.Step, r["events/on_research_finished"])), Is.EqualTo(new[] { (19L, (double?)null), (20L, 1.0) }));
    }

    [Test]
    public void ModEventCounters_AddToTheCountOfEventLinesOfTheSameName()
    {
        var counted = Ev.Stats("s", 2, production: [("coal", 1)]) with { Metrics = [new Measurement("events/on_built_entity", 5)] };
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("coal", 1)])),
            OnNext<FactorioEvent>(211, Ev.Event("s", 200, "on_built_entity")),
            OnNext<FactorioEvent>(212, Ev.Event("s", 201, "on_built_entity")),
            OnNext<FactorioEvent>(220, counted),
            OnCompleted<FactorioEvent>(300));

        Assert.That(sink.RowsOf(OnlyRun(sink))[1]["events/on_built_entity"], Is.EqualTo(7));
    }

    [Test]
    public void Summary_HoldsTheLatestValueOfEveryKey()
    {
        var (sink, _) = Run(Fast with { ZeroFill = false },
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("coal", 1), ("wood", 7)])),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 2, production: [("coal", 2)])),
            OnCompleted<FactorioEvent>(300));

        var summary = sink.SummaryOf(OnlyRun(sink));
        Assert.That(summary["production/coal"], Is.EqualTo(2));
        Assert.That(summary["production/wood"], Is.EqualTo(7));
        Assert.That(summary["tick"], Is.EqualTo(240));
    }

    [Test]
    public void PendingRow_IsReleasedWhenTheGamePausesForABatchWindow()
    {
        var (sink, _) = Run(Fast,
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: [("coal", 1)])),
            OnCompleted<FactorioEvent>(5000));

        var batch = sink.Commands.Single(c => c.Command is LogBatch);
        Assert.That(batch.At.Ticks, Is.EqualTo(261), "released at 260 (a window after the last stats) and sent in that turn (the test scheduler's \"now\" is one tick later), not at a window boundary");
    }
}
