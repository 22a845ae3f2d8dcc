using System.Text;
using System.Text.Json;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class FileStreamTests
{
    private RxFactorio.Cli.Monitoring.MeterTotals _meter = null!;

    /// <summary>The <c>RxFactorio</c> meter's sums during one test, as <c>/metrics</c> reads them.</summary>
    [SetUp]
    public void StartListening() => _meter = new RxFactorio.Cli.Monitoring.MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    [Test]
    public async Task Batch_HistorySummaryAndLog_InOneRequest()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();

        var rows = new[]
        {
            WandbTestKit.Row(1, ("production/iron-plate", 468.75), ("tick", 216120)),
            WandbTestKit.Row(2, ("production/iron-plate", 0.1), ("weird", double.NaN), ("big", 2271.6666666666665)),
        };
        var sent = await client.SendAsync(WandbTestKit.Batch(run, rows, ["on_built_entity inserter"], [("production/iron-plate", 0.1), ("tick", 216240)]));

        Assert.That(sent, Is.True);
        var files = handler.FileStreamRequests.Single().Json.GetProperty("files");
        var history = files.GetProperty("wandb-history.jsonl");
        Assert.That(history.GetProperty("offset").GetInt64(), Is.EqualTo(0));
        var lines = history.GetProperty("content").EnumerateArray().Select(l => l.GetString()).ToArray();
        Assert.That(lines[0], Is.EqualTo("""{"_step":1,"_runtime":2,"_timestamp":1767225601,"production/iron-plate":468.75,"tick":216120}"""));
        Assert.That(lines[1], Is.EqualTo("""{"_step":2,"_runtime":4,"_timestamp":1767225602,"production/iron-plate":0.1,"weird":NaN,"big":2271.6666666666665}"""));

        var summary = files.GetProperty("wandb-summary.json");
        Assert.That(summary.GetProperty("offset").GetInt64(), Is.EqualTo(0));
        Assert.That(summary.GetProperty("content").EnumerateArray().Single().GetString(),
            Is.EqualTo("""{"production/iron-plate":0.1,"tick":216240,"_step":2,"_runtime":4,"_timestamp":1767225602,"_wandb":{"runtime":4}}"""));

        var log = files.GetProperty("output.log");
        Assert.That(log.GetProperty("offset").GetInt64(), Is.EqualTo(0));
        Assert.That(log.GetProperty("content").EnumerateArray().Single().GetString(), Is.EqualTo("2026-01-01T00:00:00.000000 on_built_entity inserter"));
        Assert.That(client.HistoryOffset, Is.EqualTo(2));
        Assert.That(client.LogOffset, Is.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.rows.delivered"), Is.EqualTo(2));
    }

    [Test]
    public async Task Offsets_AdvanceAcrossBatches_SummaryStaysAtZero()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();

        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1)), WandbTestKit.Row(2, ("a", 2))], ["x", "y", "z"], [("a", 2)]));
        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(3, ("a", 3))], ["w"], [("a", 3)]));
        await client.SendAsync(WandbTestKit.Batch(run, [], ["v"]));

        var second = handler.FileStreamRequests[1].Json.GetProperty("files");
        Assert.That(second.GetProperty("wandb-history.jsonl").GetProperty("offset").GetInt64(), Is.EqualTo(2));
        Assert.That(second.GetProperty("output.log").GetProperty("offset").GetInt64(), Is.EqualTo(3));
        Assert.That(second.GetProperty("wandb-summary.json").GetProperty("offset").GetInt64(), Is.EqualTo(0));
        var third = handler.FileStreamRequests[2].Json.GetProperty("files");
        Assert.That(third.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "output.log" }));
        Assert.That(third.GetProperty("output.log").GetProperty("offset").GetInt64(), Is.EqualTo(4));
        Assert.That((client.HistoryOffset, client.LogOffset), Is.EqualTo((3L, 5L)));
    }

    [Test]
    public async Task HugeBatch_IsSplitBelowTheRequestLimit_WithContiguousOffsets()
    {
        var options = WandbTestKit.Options(o => o with { MaxRequestBytes = 8192, MaxLineBytes = 2048 });
        var (connection, handler, _) = WandbTestKit.Connect(options);
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        var rows = Enumerable.Range(0, 300).Select(i => WandbTestKit.Row(i, ("production/\"quoted\"/item-" + i, i * 1.5), ("tick", i))).ToArray();
        var log = Enumerable.Range(0, 200).Select(i => $"event {i} ünïcödé \"q\"").ToArray();

        await client.SendAsync(WandbTestKit.Batch(run, rows, log, [("tick", 299)]));

        var requests = handler.FileStreamRequests;
        Assert.That(requests, Has.Count.GreaterThan(3));
        Assert.That(requests.Select(r => Encoding.UTF8.GetByteCount(r.Body)), Has.All.LessThanOrEqualTo(8192));
        long expectedHistory = 0, expectedLog = 0;
        var historyLines = new List<string>();
        foreach (var files in requests.Select(r => r.Json.GetProperty("files")))
        {
            if (files.TryGetProperty("wandb-history.jsonl", out var h))
            {
                Assert.That(h.GetProperty("offset").GetInt64(), Is.EqualTo(expectedHistory));
                var content = h.GetProperty("content").EnumerateArray().Select(l => l.GetString()!).ToList();
                historyLines.AddRange(content);
                expectedHistory += content.Count;
            }
            if (files.TryGetProperty("output.log", out var l))
            {
                Assert.That(l.GetProperty("offset").GetInt64(), Is.EqualTo(expectedLog));
                expectedLog += l.GetProperty("content").GetArrayLength();
            }
        }
        Assert.That((expectedHistory, expectedLog), Is.EqualTo((300L, 200L)));
        Assert.That(historyLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("_step").GetInt64()), Is.EqualTo(Enumerable.Range(0, 300).Select(i => (long)i)));
        Assert.That(requests.Count(r => r.Json.GetProperty("files").TryGetProperty("wandb-summary.json", out var _)), Is.EqualTo(1));
        Assert.That(client.HistoryOffset, Is.EqualTo(300));
    }

    [Test]
    public async Task LineOverTheLimit_IsDroppedAndCounted_OthersSent()
    {
        var options = WandbTestKit.Options(o => o with { MaxRequestBytes = 8192, MaxLineBytes = 1024 });
        var (connection, handler, _) = WandbTestKit.Connect(options);
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        var huge = WandbTestKit.Row(2, [.. Enumerable.Range(0, 100).Select(i => ($"production/item-{i}", (double)i))]);

        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1)), huge, WandbTestKit.Row(3, ("a", 3))], [new string('x', 2000), "ok"]));

        var files = handler.FileStreamRequests.Single().Json.GetProperty("files");
        var steps = files.GetProperty("wandb-history.jsonl").GetProperty("content").EnumerateArray()
            .Select(l => JsonDocument.Parse(l.GetString()!).RootElement.GetProperty("_step").GetInt64());
        Assert.That(steps, Is.EqualTo(new[] { 1L, 3L }));
        Assert.That(files.GetProperty("output.log").GetProperty("content").GetArrayLength(), Is.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.lines.oversized"), Is.EqualTo(2));
        Assert.That(_meter.Total("rxfactorio.rows.dropped"), Is.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.rows.delivered"), Is.EqualTo(2));
        Assert.That(client.HistoryOffset, Is.EqualTo(2));
    }

    [Test]
    public async Task StoppedTrue_EndsTheRun_LaterBatchesSkippedAndCounted_NoFinish()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream(System.Net.HttpStatusCode.OK, """{"exitcode":0,"limits":{},"stopped":true}""");

        var first = await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        var second = await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(2, ("a", 2)), WandbTestKit.Row(3, ("a", 3))]));
        await client.FinishAsync();

        Assert.That((first, second), Is.EqualTo((false, false)));
        Assert.That(client.State, Is.EqualTo(WandbRunState.Stopped));
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.batches.skipped"), Is.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.rows.dropped"), Is.EqualTo(2));
        Assert.That(_meter.Total("rxfactorio.rows.delivered"), Is.EqualTo(1));
    }

    [Test]
    public async Task Finish_SendsCompleteWithExitCodeZero_AndHeartbeatIsEmptyObject()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var client = connection.CreateRunClient(WandbTestKit.Run());
        await client.StartAsync();

        await client.HeartbeatAsync();
        await client.FinishAsync();

        Assert.That(handler.FileStreamRequests.Select(r => r.Body), Is.EqualTo(new[] { "{}", """{"complete":true,"exitcode":0}""" }));
        Assert.That(client.State, Is.EqualTo(WandbRunState.Finished));
    }

    [Test]
    public async Task Resume_UpsertsSameRunWithStorageId_AndContinuesOffsets()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1)), WandbTestKit.Row(2, ("a", 2))], ["l1"]));
        await client.FinishAsync();

        await client.StartAsync(resumed: true);
        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(3, ("a", 3))], ["l2"]));

        var upserts = handler.Requests.Where(r => !r.IsFileStream).Select(r => r.Json.GetProperty("variables")).ToList();
        Assert.That(upserts, Has.Count.EqualTo(2));
        Assert.That(upserts[1].GetProperty("name").GetString(), Is.EqualTo("abc123xy"));
        Assert.That(upserts[1].GetProperty("id").GetString(), Is.EqualTo("UnVuOnYxOnN0b3JhZ2U="));
        var files = handler.FileStreamRequests[^1].Json.GetProperty("files");
        Assert.That(files.GetProperty("wandb-history.jsonl").GetProperty("offset").GetInt64(), Is.EqualTo(2));
        Assert.That(files.GetProperty("output.log").GetProperty("offset").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task ExistingHistoryOnServer_NewLinesAppendAfterIt()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        handler.HistoryLineCount = 7;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync(resumed: true);

        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(8, ("a", 1))]));

        Assert.That(handler.FileStreamRequests.Single().Json.GetProperty("files").GetProperty("wandb-history.jsonl").GetProperty("offset").GetInt64(), Is.EqualTo(7));
    }
}
