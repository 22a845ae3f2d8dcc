using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Batching;

public sealed class BatchingTests : ReactiveTest
{
    private static RecordingSink Run(RunOptions options, params Recorded<System.Reactive.Notification<FactorioEvent>>[] messages)
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var events = scheduler.CreateHotObservable(messages);
        scheduler.Start(() => events.ToRunCommands(options with { Random = new Random(3) }, scheduler).SendTo(sink), 100, 200, 1_000_000);
        return sink;
    }

    private static Recorded<System.Reactive.Notification<FactorioEvent>>[] Cycles(int count, long every = 1, int items = 1) =>
        [.. Enumerable.Range(1, count).Select(c => OnNext<FactorioEvent>(200 + (c * every), Ev.Stats("s", c, production: [.. Enumerable.Range(0, items).Select(i => ($"item-{i}", (double)c))])))];

    [Test]
    public void EachRow_GoesOutInTheTurnItCompletes_NotAfterABatchWindow()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), IdleTimeout = TimeSpan.Zero };
        var sink = Run(options, [.. Cycles(4, every: 10), OnCompleted<FactorioEvent>(50_000)]);

        var batches = sink.Commands.Where(c => c.Command is LogBatch).Select(c => (c.At.Ticks, ((LogBatch)c.Command).Rows.Select(r => r.Step).ToArray())).ToList();
        // NOTE: cycle c arrives at 200 + 10c and completes the row of c - 1; the test scheduler runs "now" one tick later.
        Assert.That(batches, Is.EqualTo(new[] { (221L, new[] { 1L }), (231L, new[] { 2L }), (241L, new[] { 3L }), (10_241L, new[] { 4L }) }), "the last row when no later cycle came for a batch window");
    }

    [Test]
    public void RowsCompletedInOneTurn_GoOutTogether_CappedAtMaxBatchRows()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), MaxBatchRows = 4, IdleTimeout = TimeSpan.Zero };
        var sink = Run(options, [.. Enumerable.Range(1, 11).Select(c => OnNext<FactorioEvent>(300, Ev.Stats("s", c, production: ("coal", c)))), OnCompleted<FactorioEvent>(50_000)]);

        var batches = sink.Commands.Select(c => c.Command).OfType<LogBatch>().ToList();
        Assert.That(batches.Select(b => b.Rows.Length), Is.EqualTo(new[] { 4, 4, 2, 1 }), "two full batches by count, the rest of the turn, then the last row at the end");
        Assert.That(batches.SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(Enumerable.Range(1, 11).Select(i => (long)i)));
    }

    [Test]
    public void Batches_AreSplitUnderTheByteCap()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), MaxBatchRows = 500, MaxBatchBytes = 4096, IdleTimeout = TimeSpan.Zero };
        var sink = Run(options, [.. Cycles(20, items: 30), OnCompleted<FactorioEvent>(50_000)]);

        var batches = sink.Commands.Select(c => c.Command).OfType<LogBatch>().ToList();
        Assert.That(batches, Has.Count.GreaterThan(1));
        Assert.That(batches.Select(b => b.Rows.Sum(r => r.EstimatedBytes)), Is.All.LessThanOrEqualTo(4096));
        Assert.That(batches.SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(Enumerable.Range(1, 20).Select(i => (long)i)));
    }

    [Test]
    public void RunsLastBatch_IsSentBeforeItFinishes()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), IdleTimeout = TimeSpan.Zero };
        var sink = Run(options, [.. Cycles(3), OnCompleted<FactorioEvent>(300)]);

        Assert.That(sink.Commands.Select(c => (c.At.Ticks, c.Command.GetType().Name)), Is.EqualTo(new[]
        {
            (201L, nameof(StartRun)), (203L, nameof(LogBatch)), (300L, nameof(LogBatch)), (300L, nameof(FinishRun)),
        }));
    }

    [Test]
    public void Downsampling_LogsTheMeanOfEveryNRowsAtTheLastStep()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), IdleTimeout = TimeSpan.Zero, Every = 3 };
        var sink = Run(options, [.. Cycles(7), OnCompleted<FactorioEvent>(50_000)]);

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows.Select(r => (r.Step, r["production/item-0"], r["tick"])), Is.EqualTo(new[]
        {
            (3L, (double?)2.0, (double?)360), (6L, 5.0, 720), (7L, 7.0, 840),
        }));
    }

    [Test]
    public void Downsampling_SumsEventCounts()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), IdleTimeout = TimeSpan.Zero, Every = 2 };
        var sink = Run(options,
            OnNext<FactorioEvent>(201, Ev.Stats("s", 1, production: [("coal", 1)])),
            OnNext<FactorioEvent>(202, Ev.Event("s", 100, "on_rocket_launched")),
            OnNext<FactorioEvent>(203, Ev.Stats("s", 2, production: [("coal", 3)])),
            OnNext<FactorioEvent>(204, Ev.Event("s", 230, "on_rocket_launched")),
            OnCompleted<FactorioEvent>(50_000));

        var row = sink.RowsOf(sink.StartedRuns.Single().RunId).Single();
        Assert.That((row.Step, row["production/coal"], row["events/on_rocket_launched"]), Is.EqualTo((2L, (double?)2.0, (double?)2.0)));
    }

    [Test]
    public void ARowsScreenshot_RidesOnIt_AndACombinedRowCarriesTheGroupsLatest()
    {
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(10_000), IdleTimeout = TimeSpan.Zero, Every = 3 };
        var sink = Run(options,
            OnNext<FactorioEvent>(201, Ev.Stats("s", 1, production: [("coal", 1)]) with { ScreenshotPath = "shots/1.png", LineNumber = 7 }),
            OnNext<FactorioEvent>(202, Ev.Stats("s", 2, production: [("coal", 1)])),
            OnNext<FactorioEvent>(203, Ev.Stats("s", 3, production: [("coal", 1)])),
            OnNext<FactorioEvent>(204, Ev.Stats("s", 4, production: [("coal", 1)])),
            OnCompleted<FactorioEvent>(50_000));

        var rows = sink.RowsOf(sink.StartedRuns.Single().RunId);
        Assert.That(rows.Select(r => (r.Step, r.ScreenshotPath, r.ScreenshotLine)), Is.EqualTo(new[] { (3L, (string?)"shots/1.png", 7L), (4L, null, 0L) }),
            "the screenshot of step 1 is not lost in the mean of steps 1-3, and step 4 has none");
    }

    [Test]
    public void Options_OutOfRange_AreRejectedNamingTheSetting()
    {
        Assert.That(() => new RunOptions { MaxBatchRows = 0 }.Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxBatchRows"));
        Assert.That(() => new RunOptions { Every = 0 }.Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Every"));
        Assert.That(() => new RunOptions { IdleTimeout = TimeSpan.FromSeconds(-1) }.Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("IdleTimeout"));
    }
}
