using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxFactorio.Events;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.RunLog;
using RxFactorio.Sinks;
using RxFactorio.Sources;
using RxFactorio.Tests.RunLog;
using RxFactorio.Tests.Sources;
using RxFactorio.Tests.Support;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Crash recovery for embedders, through the library alone (<see cref="SourceRecovery"/>, as the
/// README's embedding example uses it): a pipeline on a tailed file is abandoned mid-run (its
/// subscription and sink dropped without finishing, as a kill leaves them), the game writes on, and a
/// second pipeline over the same folder continues the same W&amp;B run: every row once, one run id.
/// </summary>
public sealed class EmbeddedRecoveryTests
{
    private const string Session = "embedded-game";

    [Test]
    public async Task AnAbandonedPipeline_RestartedWithSourceRecovery_ContinuesItsRun_EveryRowOnce()
    {
        await using var server = await FakeWandbServer.StartAsync();
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "events.jsonl");
        await File.WriteAllLinesAsync(file, [
            $$"""{"type":"session_init","session_id":"{{Session}}","tick":120,"level_name":"nauvis"}""",
            .. Enumerable.Range(1, 20).Select(Stats)]);

        // The first process: stopped, without finishing anything, once the server has 15 rows.
        var first = SourceRecovery.Load([file], directory.Path);
        Assert.That(first.RunsToContinue, Is.Zero, "nothing to continue on a first start");
        var firstSink = Sink(first, server, directory.Path);
        using (var loop = new EventLoopScheduler())
        {
            var subscription = first.Open(file, Tail())
                .ObserveOn(loop)
                .ToRunCommands(first.ApplyTo(EndToEndHarness.FastRuns()), loop)
                .SendTo(firstSink)
                .Subscribe(_ => { }, _ => { });
            await Wait.UntilAsync(() => HistoryRows(server) >= 15, () => $"15 rows on the server (has {HistoryRows(server)})");
            subscription.Dispose();
        }
        await firstSink.DisposeAsync();
        await File.AppendAllLinesAsync(file, Enumerable.Range(21, 20).Select(Stats));

        // The second process: the same folder, the same source.
        var second = SourceRecovery.Load([file], directory.Path);
        Assert.That(second.RunsToContinue, Is.EqualTo(1), "the abandoned run is continued");
        await using var secondSink = Sink(second, server, directory.Path);
        secondSink.Recover();
        using (var loop = new EventLoopScheduler())
        {
            await second.Open(file, Tail())
                .TakeUntil(e => e is StatsEvent { Cycle: 40 })
                .ObserveOn(loop)
                .ToRunCommands(second.ApplyTo(EndToEndHarness.FastRuns()), loop)
                .SendTo(secondSink)
                .LastOrDefaultAsync()
                .ToTask()
                .WaitAsync(EndToEndHarness.Deadline);
        }
        Assert.That(await secondSink.CompleteAsync(EndToEndHarness.Deadline), Is.True, "everything delivered");

        Assert.That(server.State.Runs, Has.Count.EqualTo(1), "one run, continued under its id");
        var run = server.State.Runs.Single();
        ServerView.AssertHistoryExactlyOnce(run, 1, 40);
        Assert.That(run.HistoryRows().Select(r => ServerView.Number(r, "production/iron-plate")),
            Is.EqualTo(Enumerable.Range(1, 40).Select(c => c + 0.5)), "each row's values are its own");
    }

    private static RunLogSink Sink(SourceRecovery recovery, FakeWandbServer server, string root) => new(
        recovery.ApplyTo(new RunLogSinkOptions { RootDirectory = root, SendWindow = TimeSpan.Zero }),
        WandbConnection.Create(EndToEndHarness.FastOptions(server.BaseUrl), new WandbCredentials(FakeWandbOptions.TestApiKey)),
        ownsConnection: true);

    private static TailOptions Tail() => new() { PollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(50) };

    private static int HistoryRows(FakeWandbServer server) => server.State.Runs.Sum(r => r.LineCount(FakeFileNames.History));

    private static string Stats(int cycle) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"type":"stats","session_id":"{{{Session}}}","cycle":{{{cycle}}},"tick":{{{(cycle * 120) + 120}}},"products_production":{"iron-plate":{{{cycle + 0.5}}}}}""");
}
