using RxFactorio.Events;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;
using RxFactorio.Sinks;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Server faults during a run still leave every row on the server exactly once: no step missing, none
/// twice, history offsets 0‥49. 50 cycles go through the run log and out as 5 requests of 10 rows
/// (one file_stream request each, with the summary line) and a final <c>complete</c>; a fault is
/// injected on the server just before a chosen request, so it hits that request and not another.
/// </summary>
public sealed class FaultDeliveryTests
{
    private const string Session = "freeplay_216000";
    private const int Rows = 50;

    /// <summary>5 data requests each write the summary line at offset 0: 4 of those writes replace it.</summary>
    private const long SummaryRewrites = 4;

    /// <summary>10 history lines and 1 summary line per data request, then the complete request with no lines.</summary>
    private const long LinesPerRequest = 11;

    [Test]
    public async Task BurstOf500sOnFileStream_IsRetried_EveryRowOnce()
    {
        await using var e2e = await Rig();

        await RunAsync(e2e, beforeBatch: 3, () => e2e.Server.Faults.FailNext(FaultScope.FileStream, 500, count: 6));

        var run = AssertEveryRowExactlyOnce(e2e);
        Assert.Multiple(() =>
        {
            Assert.That(FileStreamStatuses(e2e, run), Is.EqualTo(new[] { 200, 200, 500, 500, 500, 500, 500, 500, 200, 200, 200, 200 }));
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(6));
            Assert.That(e2e.Meter.ByTag("rxfactorio.http.retries"), Is.EquivalentTo(new Dictionary<string, long> { ["500"] = 6 }));
            Assert.That(e2e.Server.State.Counters.LinesReplaced, Is.EqualTo(SummaryRewrites), "a 500 stores nothing: only the summary line is rewritten");
        });
    }

    [Test]
    public async Task TooManyRequestsWithRetryAfter_WaitsThatLong_EveryRowOnce()
    {
        await using var e2e = await Rig();

        await RunAsync(e2e, beforeBatch: 2, () => e2e.Server.Faults.FailNext(FaultScope.FileStream, 429, retryAfter: "1"));

        var run = AssertEveryRowExactlyOnce(e2e);
        var requests = ServerView.FileStreamRequests(e2e.Server.State, run);
        var retries = e2e.ClientLogs.Entries.Where(l => l.Category == "RxFactorio.Wandb.Retry").Select(l => l.Message).ToList();
        Assert.Multiple(() =>
        {
            // NOTE: how many batches a window makes depends on real time; exactly one 429, all else 200.
            Assert.That(requests.Select(r => r.StatusCode).Where(s => s != 200), Is.EqualTo(new[] { 429 }));
            // The backoff alone would be 1‥10 ms; Retry-After: 1 must make the client wait a whole second. What the
            // client chose to wait is asserted, not the gap between two wall-clock stamps (0.9994 s once).
            Assert.That(retries, Has.Count.EqualTo(1).And.All.Contains("(HTTP 429); retry 1 in 00:00:01."), "Retry-After: 1 honoured");
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(1));
            Assert.That(e2e.Server.State.Counters.LinesReplaced, Is.EqualTo(SummaryRewrites));
        });
    }

    [Test]
    public async Task ServerErrorsOnUpsertBucket_AreRetried_RunCreatedOnce_EveryRowOnce()
    {
        await using var e2e = await Rig();
        e2e.Server.Faults.FailNext(FaultScope.Graphql, [500, 502, 503]);

        await RunAsync(e2e);

        var run = AssertEveryRowExactlyOnce(e2e);
        Assert.Multiple(() =>
        {
            Assert.That(
                e2e.Server.State.Requests.Where(r => r.Kind == RequestKind.Graphql && r.OperationName != "CreateRunFiles").Select(r => (r.StatusCode, r.Fault)),
                Is.EqualTo(new (int, string?)[] { (500, "status:500"), (502, "status:502"), (503, "status:503"), (200, null) }));
            Assert.That(run.UpsertCount, Is.EqualTo(1), "the failed attempts created nothing");
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task UpsertBucketAnswerLost_RetryFindsTheSameRun_NoSecondRun()
    {
        await using var e2e = await Rig();
        e2e.Server.Faults.DropNext(FaultScope.Graphql, DropTiming.AfterStore);

        await RunAsync(e2e);

        var run = AssertEveryRowExactlyOnce(e2e);
        Assert.Multiple(() =>
        {
            Assert.That(e2e.Server.State.Requests.Where(r => r.Kind == RequestKind.Graphql && r.OperationName != "CreateRunFiles").Select(r => (r.StatusCode, r.Aborted)),
                Is.EqualTo(new[] { (0, true), (200, false) }));
            Assert.That(run.UpsertCount, Is.EqualTo(2), "the retry upserted the run the lost answer had created");
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ConnectionDroppedBeforeStore_IsRetried_EveryRowOnce()
    {
        await using var e2e = await Rig();

        await RunAsync(e2e, beforeBatch: 3, () => e2e.Server.Faults.DropNext(FaultScope.FileStream, DropTiming.BeforeStore, count: 2));

        var run = AssertEveryRowExactlyOnce(e2e);
        Assert.Multiple(() =>
        {
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => (r.StatusCode, r.Aborted, r.Fault)), Is.EqualTo(new (int, bool, string?)[]
            {
                (200, false, null), (200, false, null),
                (0, true, "drop:BeforeStore"), (0, true, "drop:BeforeStore"),
                (200, false, null), (200, false, null), (200, false, null), (200, false, null),
            }));
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(2));
            Assert.That(e2e.Server.State.Counters.LinesReplaced, Is.EqualTo(SummaryRewrites), "nothing was stored by the dropped attempts");
        });
    }

    [Test]
    public async Task ConnectionDroppedAfterStore_RetryOfTheSameOffsetsReplaces_NotDuplicates()
    {
        await using var e2e = await Rig();

        await RunAsync(e2e, beforeBatch: 3, () => e2e.Server.Faults.DropNext(FaultScope.FileStream, DropTiming.AfterStore));

        var run = AssertEveryRowExactlyOnce(e2e);
        var counters = e2e.Server.State.Counters;
        Assert.Multiple(() =>
        {
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => (r.StatusCode, r.Aborted, r.Fault)), Is.EqualTo(new (int, bool, string?)[]
            {
                (200, false, null), (200, false, null),
                (0, true, "drop:AfterStore"),
                (200, false, null), (200, false, null), (200, false, null), (200, false, null),
            }));
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.EqualTo(1));
            // The retry re-sent offsets 20‥29 (and the summary): all 11 lines replaced what the dropped attempt stored.
            Assert.That(counters.LinesReplaced, Is.EqualTo(SummaryRewrites + LinesPerRequest));
            Assert.That(counters.LinesWritten, Is.EqualTo((5 + 1) * LinesPerRequest));
            Assert.That(counters.LinesWritten - counters.LinesReplaced, Is.EqualTo(Rows + 1), "distinct lines: 50 history rows and the summary");
            Assert.That(run.LineCount(FakeFileNames.History), Is.EqualTo(Rows), "historyLineCount");
        });
    }

    /// <summary>The shipper sends 10 rows per request and lets fewer gather for 10 s, so the 50 rows go as 5 full requests.</summary>
    private static Task<EndToEndHarness> Rig() =>
        EndToEndHarness.StartAsync(shipping: o => o with { RowsPerRequest = 10, SendWindow = TimeSpan.FromSeconds(10) });

    private static async Task RunAsync(EndToEndHarness e2e, int beforeBatch = 0, Action? inject = null)
    {
        if (inject is not null)
        {
            e2e.Server.Faults.Before(FaultScope.FileStream, beforeBatch, inject);
        }
        var delivered = await e2e.ReplayAsync(Game.Session(Session, 1800, Rows), EndToEndHarness.FastRuns(maxBatchRows: 10));
        Assert.That(delivered.OfType<LogBatch>().Sum(b => b.Rows.Length), Is.EqualTo(Rows));
    }

    private static FakeRun AssertEveryRowExactlyOnce(EndToEndHarness e2e)
    {
        var run = e2e.Server.State.Runs.Single();
        ServerView.AssertHistoryExactlyOnce(run, 1800, Rows);
        Assert.Multiple(() =>
        {
            Assert.That(run.HistoryRows().Select(r => ServerView.Number(r, "production/iron-plate")),
                Is.EqualTo(Enumerable.Range(1800, Rows).Select(c => Game.IronPlate(c))), "each row's values are its own");
            Assert.That(ServerView.Number(run.Summary!, "_step"), Is.EqualTo(1800 + Rows - 1));
            ServerView.AssertFinished(run);
            Assert.That(
                new[] { "rxfactorio.rows.delivered", "rxfactorio.rows.dropped", "rxfactorio.http.failures", "rxfactorio.batches.skipped" }.Select(e2e.Meter.Total),
                Is.EqualTo(new long[] { Rows, 0, 0, 0 }), "every row delivered; nothing dropped, failed or skipped");
        });
        return run;
    }

    private static IReadOnlyList<int> FileStreamStatuses(EndToEndHarness e2e, FakeRun run) =>
        [.. ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => r.StatusCode)];
}
