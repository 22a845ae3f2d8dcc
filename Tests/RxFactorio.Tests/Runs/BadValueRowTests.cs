using RxFactorio.Diagnostics;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>#11.3, 4, 5, 6: what bad values, reserved keys, hostile names and absurd cycles do to a run's rows and log, lines in, rows out.</summary>
public sealed class BadValueRowTests
{
    private static string Stats(long cycle, string production = "", string metrics = "") =>
        $$"""{"type":"stats","session_id":"s","cycle":{{cycle}},"tick":{{cycle * 120}},"products_production":{""" + production + "},\"metrics\":{" + metrics + "}}";

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [TestCase("\"12\"")]
    [TestCase("null")]
    [TestCase("true")]
    [TestCase("{\"a\":1}")]
    [TestCase("1e999")]
    public void InvalidItemValue_LeavesTheKeyOutOfThatRow_NotZero(string invalid)
    {
        var (sink, diagnostics) = LinesThroughRuns.Run(Lines(
            Stats(1, "\"iron-plate\":5,\"coal\":2"),
            Stats(2, $"\"iron-plate\":{invalid},\"coal\":3"),
            Stats(3, "\"coal\":4")));

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows[1]["production/iron-plate"], Is.Null, "an invalid value is unknown, not 0");
        Assert.That(rows[1]["production/coal"], Is.EqualTo(3));
        Assert.That(rows[2]["production/iron-plate"], Is.EqualTo(0), "absent from the line: zero-filled as before");
        Assert.That(diagnostics.Select(d => (d.LineNumber, d.Reason)), Is.EqualTo(new[] { (2L, DiagnosticReason.BadMetricValue) }));
    }

    [Test]
    public void UnreadableItemMap_ZeroFillsNoItemOfThatKindInThatRow()
    {
        var (sink, diagnostics) = LinesThroughRuns.Run(Lines(
            Stats(1, "\"iron-plate\":5"),
            """{"type":"stats","session_id":"s","cycle":2,"tick":240,"products_production":"broken"}""",
            Stats(3, "\"coal\":4")));

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows[1]["production/iron-plate"], Is.Null);
        Assert.That(rows[2]["production/iron-plate"], Is.EqualTo(0));
        Assert.That(diagnostics.Single().Reason, Is.EqualTo(DiagnosticReason.BadOptionalField));
    }

    [Test]
    public void ReservedMetricKeys_NeverReachARow_AndAreCountedWithTheirLine()
    {
        var (sink, diagnostics) = LinesThroughRuns.Run(Lines(
            Stats(1, "\"coal\":1"),
            Stats(2, "\"coal\":1", "\"_step\":1000,\"_runtime\":-5,\"_wandb\":1,\"tick\":7,\"screenshot\":9,\"power\":3"),
            Stats(3, "\"coal\":1")));

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows.Select(r => r.Step), Is.EqualTo(new[] { 1L, 2L, 3L }));
        Assert.That(rows.SelectMany(r => r.Values).Select(kv => kv.Key).Where(k => k.StartsWith('_')), Is.Empty);
        Assert.That(rows[1]["power"], Is.EqualTo(3));
        Assert.That(rows[1]["tick"], Is.EqualTo(240), "'tick' is the line's tick, not the metric");
        Assert.That(rows[1]["screenshot"], Is.Null, "'screenshot' is the row's image key: a number there would be a second 'screenshot' in the history line");
        Assert.That(diagnostics.Select(d => (d.LineNumber, d.Reason)), Is.EqualTo(Enumerable.Repeat((2L, DiagnosticReason.ReservedKey), 5)));
        Assert.That(diagnostics[0].Detail, Does.Contain("'_step'"));
    }

    [Test]
    public void ReservedKeys_FromAnEventBuiltInCode_AreDroppedByTheRunStageToo()
    {
        var parsed = (Events: new List<RxFactorio.Events.FactorioEvent>
        {
            new RxFactorio.Events.StatsEvent
            {
                Source = "api", LineNumber = 4, SessionId = "s", Tick = 120, Cycle = 1,
                Metrics = [new("_step", 99), new("ok", 1)],
            },
        }, Diagnostics: new List<IngestDiagnostic>());

        var (sink, diagnostics) = LinesThroughRuns.Run(parsed);

        var row = sink.RowsOf(sink.StartedRuns.Single().RunId).Single();
        Assert.That(row["_step"], Is.Null);
        Assert.That(row["ok"], Is.EqualTo(1));
        Assert.That(diagnostics.Select(d => (d.Source, d.LineNumber, d.Reason)), Is.EqualTo(new[] { ("api", 4L, DiagnosticReason.ReservedKey) }));
    }

    [Test]
    public void EventNameWithNewlinesAndEscapes_IsOneLineOfTheRunLog()
    {
        var name = string.Concat(Enumerable.Repeat("x\\n", 4000)) + "\\r\\u001b[2J\\u0085\\u2028";
        var (sink, _) = LinesThroughRuns.Run(Lines(
            $$"""{"type":"event","session_id":"s","tick":10,"event_name":"{{name}}","note":"a\nb"}""",
            Stats(1, "\"coal\":1")));

        var log = sink.LogLinesOf(sink.StartedRuns.Single().RunId).Single();
        Assert.That(log.IndexOfAny(['\n', '\r', '\u001b', '\u0085', '\u2028']), Is.EqualTo(-1), log[..80]);
        Assert.That(log, Does.StartWith("[tick 10] x\\nx\\n"));
        Assert.That(log, Does.EndWith("\\r\\u001B[2J\\u0085\\u2028 a\\nb"));
    }

    [Test]
    public void AbsurdCycle_IsRejectedWithItsLine_AndTheRunGoesOn()
    {
        var (sink, diagnostics) = LinesThroughRuns.Run(Lines(
            Stats(1, "\"coal\":1"),
            """{"type":"stats","session_id":"s","cycle":9223372036854775807,"tick":240,"products_production":{"coal":2}}""",
            Stats(3, "\"coal\":3"),
            Stats(4, "\"coal\":4")));

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows.Select(r => r.Step), Is.EqualTo(new[] { 1L, 3L, 4L }));
        var diagnostic = diagnostics.Single();
        Assert.That((diagnostic.LineNumber, diagnostic.Reason, diagnostic.Severity),
            Is.EqualTo((2L, DiagnosticReason.CycleContradictsTick, DiagnosticSeverity.Rejected)));
        Assert.That(diagnostic.Detail, Does.Contain("floor(tick / 120) = 2"));
    }

    [TestCase(119, 1, true, TestName = "cycle one ahead of floor(tick/120): tolerated")]
    [TestCase(240, 1, true, TestName = "cycle one behind: tolerated")]
    [TestCase(240, 4, false, TestName = "two ahead: rejected")]
    [TestCase(600, 3, false, TestName = "two behind: rejected")]
    public void CycleTolerance_IsOneCycleEitherWay(long tick, long cycle, bool accepted)
    {
        var (events, diagnostics) = Parse.Text($$"""{"type":"stats","session_id":"s","cycle":{{cycle}},"tick":{{tick}}}""" + "\n");

        Assert.That(events.Count, Is.EqualTo(accepted ? 1 : 0));
        Assert.That(diagnostics.Select(d => d.Reason), accepted ? Is.Empty : Is.EqualTo(new[] { DiagnosticReason.CycleContradictsTick }));
    }
}
