using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>
/// A retry wait that would outlast the shutdown deadline (Retry-After: 35 against
/// <c>--shutdown-timeout 30s</c>) is cut at SIGTERM: the real <c>rxfactorio run</c> ends without
/// sitting out the deadline, the rows stay in the run log, and the exit message says how to send them.
/// </summary>
public sealed class ShutdownRetryWaitTests() : FakeWandbCliTest("rxf-cut-")
{
    [Test]
    public async Task RetryAfterLongerThanTheShutdownTimeout_IsCutAtSigterm_RowsStayForSync()
    {
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllLinesAsync(source, File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(21));
        Server.Faults.FailNext(FaultScope.FileStream, 429, count: 1000, retryAfter: "35");
        await using var run = CliProcess.Start(["run", "--source", source, "--batch-window", "200ms", "--shutdown-timeout", "30s"], Online(), Dir);
        await run.WaitUntilAsync(() => run.Error.Contains("(HTTP 429); retry 1 in 00:00:35", StringComparison.Ordinal), "the client to wait out a Retry-After: 35");

        await run.SignalAsync("TERM");
        // NOTE: a bound, not a measurement: sitting the wait out would take the whole 30 s deadline.
        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain("was given up for the shutdown: the next try was due in 35 s, after the shutdown deadline"));
        Assert.That(result.Error, Does.Not.Contain("shutdown timeout (30s) passed"), "ended before the deadline, not by it");
        Assert.That(result.Output, Does.Contain("not yet delivered: 1 run(s) wait in their run logs").And.Contain("rxfactorio sync " + Path.Combine(Dir, "wandb")));
        Assert.That(Server.State.Runs.SelectMany(r => r.HistoryRows()), Is.Empty, "W&B got no row");

        Server.Faults.Clear();
        var sync = await CliProcess.RunAsync(["sync", Path.Combine(Dir, "wandb")], Online(), TimeSpan.FromSeconds(60));

        Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Output + sync.Error);
        Assert.That(Server.State.Runs.Select(r => (r.Complete, r.HistoryRows().Count)), Is.EqualTo(new[] { (true, 19) }), "every row was kept for sync");
    }
}
