using System.Reactive;
using Microsoft.Reactive.Testing;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>Bounded cardinality: key limits per run and per row, zero-fill within them, include/exclude globs.</summary>
public sealed class KeyLimitTests : ReactiveTest
{
    private static StatsEvent Wide(string session, long cycle, int keys, string prefix = "item") =>
        Ev.Stats(session, cycle, production: [.. Enumerable.Range(0, keys).Select(i => ($"{prefix}-{i}", (double)i))]);

    private static (RecordingSink Sink, List<IngestDiagnostic> Diagnostics) Run(RunOptions options, params FactorioEvent[] events)
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var diagnostics = new List<IngestDiagnostic>();
        var source = scheduler.CreateHotObservable([
            .. events.Select((e, i) => OnNext(210 + i, e)),
            OnCompleted<FactorioEvent>(210 + events.Length)]);
        scheduler.Start(() => source.ToRunCommands(options with { Diagnostics = Observer.Create<IngestDiagnostic>(diagnostics.Add), Random = new Random(1) }, scheduler).SendTo(sink));
        return (sink, diagnostics);
    }

    [Test]
    public void ARowPastItsKeyLimit_KeepsTheFirstKeys_AndWarnsOnceNamingTheLimitAndTheCount()
    {
        var (sink, diagnostics) = Run(new RunOptions { MaxKeysPerRow = 10 },
            [.. Enumerable.Range(1, 20).Select(c => Wide("s", c, keys: 50))]);

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows, Has.Count.EqualTo(20));
        Assert.That(rows.Select(r => r.Values.Length), Is.All.EqualTo(10), "9 items and tick");
        Assert.That(rows[0]["production/item-0"], Is.EqualTo(0));
        Assert.That(rows[0]["production/item-9"], Is.Null);
        var warning = diagnostics.Single();
        Assert.That(warning.Reason, Is.EqualTo(DiagnosticReason.KeyLimit));
        Assert.That((warning.Source, warning.LineNumber), Is.EqualTo(("a", 1L)));
        Assert.That(warning.Detail, Does.Contain("runs:maxKeysPerRow = 10").And.Contain("41 key(s) dropped").And.Contain("'production/item-9'"));
    }

    [Test]
    public void ARunPastItsKeyLimit_DropsNewKeys_AndZeroFillNeverAmplifiesPastIt()
    {
        // The measured case in small: one very wide line, then normal lines; zero-fill repeated every key in every row.
        var (sink, diagnostics) = Run(new RunOptions { MaxKeysPerRun = 20 },
            [Wide("s", 1, keys: 2000), .. Enumerable.Range(2, 50).Select(c => Ev.Stats("s", c, production: ("item-0", c)))]);

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows, Has.Count.EqualTo(51));
        Assert.That(rows.Select(r => r.Values.Length), Is.All.EqualTo(21), "the run's 20 keys and tick, in every row");
        Assert.That(rows[^1]["production/item-0"], Is.EqualTo(51));
        Assert.That(rows[^1]["production/item-19"], Is.EqualTo(0), "zero-filled");
        Assert.That(diagnostics.Select(d => d.Detail), Has.One.Contains("runs:maxKeysPerRun = 20: 1980 key(s) dropped"));
    }

    [Test]
    public void EachRunIsWarnedOnce_PerLimit()
    {
        var (_, diagnostics) = Run(new RunOptions { MaxKeysPerRun = 3, MaxKeysPerRow = 3 },
            Ev.Init("s", 0), Wide("s", 1, keys: 10), Wide("s", 2, keys: 10, prefix: "other"),
            Ev.Init("s", 300), Wide("s", 3, keys: 10));

        Assert.That(diagnostics.Select(d => (d.LineNumber, d.Detail[..d.Detail.IndexOf(": ", StringComparison.Ordinal)])), Is.EqualTo(new[]
        {
            (1L, "runs:maxKeysPerRow = 3"),
            (2L, "runs:maxKeysPerRun = 3"),
            (3L, "runs:maxKeysPerRow = 3"),
        }));
    }

    [Test]
    public void IncludeAndExcludeGlobs_ChooseTheLoggedKeys()
    {
        var stats = Ev.Stats("s", 1, production: [("iron-plate", 1), ("water-barrel", 2)]) with
        {
            Consumption = [new Measurement("coal", 3)],
            Metrics = [new Measurement("power/produced_w", 4), new Measurement("production/manual", 5)],
        };

        var (sink, diagnostics) = Run(new RunOptions { IncludeKeys = ["production/*", "power/*"], ExcludeKeys = ["*-barrel", "power/?roduced_w"] }, stats);

        var row = sink.RowsOf(sink.StartedRuns.Single().RunId).Single();
        Assert.That(row.Values.Select(v => v.Key), Is.EquivalentTo(new[] { "production/iron-plate", "production/manual", "tick" }));
        Assert.That(diagnostics, Is.Empty, "keys left out by the user's globs are not warned about");
    }
}
