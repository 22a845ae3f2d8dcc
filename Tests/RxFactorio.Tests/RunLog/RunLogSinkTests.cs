using Microsoft.Extensions.Time.Testing;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;
using RunKey = RxFactorio.Runs.RunKey;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Sources;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.RunLog;

/// <summary>
/// The log-backed online sink against the real fake server over HTTP, with the client's clock in
/// virtual time: rows wait on disk while W&amp;B is down, and every row arrives exactly once.
/// </summary>
public sealed class RunLogSinkTests
{
    private RxFactorio.Cli.Monitoring.MeterTotals _meter = null!;

    /// <summary>The <c>RxFactorio</c> meter's sums during one test, as <c>/metrics</c> reads them.</summary>
    [SetUp]
    public void StartListening() => _meter = new RxFactorio.Cli.Monitoring.MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    private const int RowsPerRequest = 100;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunInfo Run(string id = "outage01") => new()
    {
        RunId = id,
        DisplayName = "freeplay_216000_7",
        Key = new RunKey("events.jsonl", "freeplay_216000", 1),
        LevelName = "freeplay",
        StartTick = 0,
    };

    private static HistoryRow Row(long step) =>
        new(step, step * 120, step * 2.0, Start.AddSeconds(step * 2), [new("production/iron-plate", step + 0.5), new("tick", step * 120)]);

    private static LogBatch Batch(RunInfo run, long first, int count) => new()
    {
        Run = run,
        Rows = [.. Enumerable.Range(0, count).Select(i => Row(first + i))],
        Summary = [new("production/iron-plate", first + count - 0.5)],
    };

    private static RunLogSink Sink(FakeWandbServer server, string dir, TimeProvider time) =>
        new(new RunLogSinkOptions { RootDirectory = dir, RowsPerRequest = RowsPerRequest, RetryFailedRunAfter = TimeSpan.FromSeconds(30), SendWindow = TimeSpan.Zero },
            WandbConnection.Create(new WandbOptions { BaseUrl = server.BaseUrl }, new WandbCredentials(server.ApiKey), null, time),
            ownsConnection: true);

    /// <summary>Advances virtual time in steps until the sink has nothing left to send.</summary>
    private static Task DrainInVirtualTime(RunLogSink sink, FakeTimeProvider time) =>
        Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(5));
            return sink.IsDrained;
        }, () => $"the sink to drain (pending {sink.PendingRows}, undelivered {string.Join(", ", sink.UndeliveredRuns)})", TimeSpan.FromSeconds(60));

    [Test]
    public async Task TenMinuteOutage_RowsWaitOnDiskNotInMemory_ThenEveryRowArrivesOnceInOrder()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await FakeWandbServer.StartAsync();
        using var dir = new TempDirectory();
        await using var sink = Sink(server, dir.Path, time);
        server.Faults.FailNext(FaultScope.FileStream, 503, count: 1_000_000);
        var run = Run();
        const int batches = 60;
        const int rowsPerBatch = 50;

        await sink.HandleAsync(new StartRun { Run = run }, default);
        var log = sink.Layout.FindRunFolder(run.RunId)!.LogFile;
        long maxPending = 0;
        var lengths = new List<long>();
        for (var b = 0; b < batches; b++)
        {
            await sink.HandleAsync(Batch(run, b * rowsPerBatch, rowsPerBatch), default);
            // 60 batches, 10 s apart: ten minutes of virtual time with W&B answering 503 to every file_stream request.
            time.Advance(TimeSpan.FromSeconds(10));
            maxPending = Math.Max(maxPending, sink.PendingRows);
            lengths.Add(new FileInfo(log).Length);
        }
        await Wait.UntilAsync(() =>
        {
            maxPending = Math.Max(maxPending, sink.PendingRows);
            time.Advance(TimeSpan.FromSeconds(10));
            return server.State.Requests.Count(r => r.Kind == RequestKind.FileStream) >= 10 && time.GetUtcNow() - Start >= TimeSpan.FromMinutes(10);
        }, () => "file_stream attempts during the ten-minute outage");

        Assert.Multiple(() =>
        {
            Assert.That(maxPending, Is.LessThanOrEqualTo(RowsPerRequest), "the sender holds at most one batch in memory");
            Assert.That(lengths, Is.Ordered.Ascending.And.Property("Count").EqualTo(batches), "the log grows with every batch");
            Assert.That(lengths[^1], Is.GreaterThan(lengths[0] * 10));
            Assert.That(server.State.Runs.Single().LineCount(FakeFileNames.History), Is.Zero, "nothing got through the outage");
            Assert.That(RunLogAck.Load(log).HistoryLines, Is.Zero, "nothing acknowledged");
        });

        server.Faults.Clear();
        await sink.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);
        await DrainInVirtualTime(sink, time);

        var stored = server.State.Runs.Single();
        ServerView.AssertHistoryExactlyOnce(stored, 0, batches * rowsPerBatch);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Name, Is.EqualTo(run.RunId));
            Assert.That((stored.Complete, stored.ExitCode), Is.EqualTo((true, (int?)0)));
            Assert.That(stored.HistoryRows().Select(r => ServerView.Number(r, "production/iron-plate")),
                Is.EqualTo(Enumerable.Range(0, batches * rowsPerBatch).Select(s => s + 0.5)));
            Assert.That(RunLogAck.Load(log) is { Finished: true, HistoryLines: batches * rowsPerBatch }, Is.True);
            Assert.That(SyncedMarker.IsSynced(log), Is.True);
            Assert.That(_meter.Total("rxfactorio.rows.dropped"), Is.Zero);
        });
    }

    [Test]
    public async Task ProcessDiesWithRowsOnlyInTheLog_NextSinkRecoversAndDeliversThemUnderTheSameRunId()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await FakeWandbServer.StartAsync();
        using var dir = new TempDirectory();
        var run = Run("crash001");
        await using (var first = Sink(server, dir.Path, time))
        {
            await first.HandleAsync(new StartRun { Run = run }, default);
            await first.HandleAsync(Batch(run, 0, 30), default);
            await DrainInVirtualTime(first, time);
            server.Faults.FailNext(FaultScope.FileStream, 503, count: 1_000_000);
            await first.HandleAsync(Batch(run, 30, 40), default);
            // The process dies here: the sink is dropped without finishing anything.
        }
        Assert.That(server.State.Runs.Single().LineCount(FakeFileNames.History), Is.EqualTo(30));
        server.Faults.Clear();

        await using var second = Sink(server, dir.Path, time);
        Assert.That(second.Recover(), Is.EqualTo(new[] { run.RunId }));
        var complete = second.CompleteAsync(TimeSpan.FromMinutes(10));
        await DrainInVirtualTime(second, time);
        Assert.That(await complete.WaitAsync(TimeSpan.FromSeconds(15)), Is.True, "CompleteAsync finished the recovered run and saw it delivered");

        var stored = server.State.Runs.Single();
        ServerView.AssertHistoryExactlyOnce(stored, 0, 70);
        Assert.That((stored.Name, stored.Complete, stored.ExitCode), Is.EqualTo((run.RunId, true, (int?)0)));
    }

    [Test]
    public async Task AckLostAfterTheServerTookTheRows_ResendGoesToTheSameOffsets_NoDuplicates()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await FakeWandbServer.StartAsync();
        using var dir = new TempDirectory();
        var run = Run("ackloss1");
        string log;
        await using (var first = Sink(server, dir.Path, time))
        {
            await first.HandleAsync(new StartRun { Run = run }, default);
            await first.HandleAsync(Batch(run, 0, 120), default);
            await DrainInVirtualTime(first, time);
            log = first.Layout.FindRunFolder(run.RunId)!.LogFile;
        }
        // As if the process died between W&B's answer and saving the ack.
        File.Delete(RunLogAck.PathFor(log));

        await using var second = Sink(server, dir.Path, time);
        second.Recover();
        await second.HandleAsync(new StartRun { Run = run, Resumed = true }, default);
        await second.HandleAsync(Batch(run, 120, 10), default);
        await second.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);
        await DrainInVirtualTime(second, time);

        var stored = server.State.Runs.Single();
        ServerView.AssertHistoryExactlyOnce(stored, 0, 130);
        Assert.That(server.State.Counters.LinesReplaced, Is.GreaterThanOrEqualTo(120), "the first 120 rows were sent again to their offsets and replaced");
        Assert.That(stored.Complete, Is.True);
    }

    [Test]
    public void UnwritableRoot_FailsTheCommandWithAnIOExceptionNamingThePath()
    {
        using var dir = new TempDirectory();
        var blocker = dir.File("not-a-folder");
        File.WriteAllText(blocker, "a file where the wandb folder should go");
        var connection = WandbConnection.Create(new WandbOptions { BaseUrl = new Uri("http://127.0.0.1:9") }, new WandbCredentials(FakeWandbOptions.TestApiKey));
        var sink = new RunLogSink(new RunLogSinkOptions { RootDirectory = blocker }, connection, ownsConnection: true);

        var error = Assert.ThrowsAsync<IOException>(async () => await sink.HandleAsync(new StartRun { Run = Run() }, default));

        Assert.That(error!.Message, Does.Contain(blocker));
        Assert.DoesNotThrowAsync(async () => await sink.DisposeAsync());
    }
}
