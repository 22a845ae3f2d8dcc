using Microsoft.Reactive.Testing;
using RxFactorio.FakeWandb;
using RxFactorio.Replay;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.RunLog;

/// <summary>What <c>rxfactorio sync</c> does (<see cref="RunLogSink.SyncAsync"/>: the live shipper), against the W&amp;B-protocol server over real HTTP on 127.0.0.1.</summary>
public sealed class SyncTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-upload-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string WriteOfflineRun(string recording)
    {
        var scheduler = new TestScheduler();
        var sink = new RunLogSink(new RunLogSinkOptions { RootDirectory = _dir, Clock = scheduler });
        RecordingReader.ReadEvents(Parse.RepoFile("samples", "recordings", recording))
            .ReplayAt(ReplaySpeed.Max, scheduler)
            .ToRunCommands(new RunOptions { Random = new Random(5) }, scheduler)
            .SendTo(sink)
            .Subscribe();
        scheduler.Start();
        sink.DisposeAsync().AsTask().Wait();
        return OfflineLayout.FindLogs(Path.Combine(_dir, "wandb")).Single();
    }

    private async Task<RunLogUploadResult> SyncAsync(FakeWandbServer server, string log, int rowsPerRequest, HttpMessageHandler? handler = null)
    {
        await using var sink = new RunLogSink(
            new RunLogSinkOptions { RootDirectory = _dir, RowsPerRequest = rowsPerRequest, RetryFailedRunAfter = null },
            WandbConnection.Create(
                new WandbOptions { BaseUrl = server.BaseUrl, RetryBaseDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(5) },
                new WandbCredentials(server.ApiKey),
                innerHandler: handler),
            ownsConnection: true);
        return (await sink.SyncAsync([log]).WaitAsync(TimeSpan.FromSeconds(30))).Single();
    }

    /// <summary>Passes requests to the real server, but refuses the Nth file_stream request for good (HTTP 400).</summary>
    private sealed class RefuseNthFileStream(int n) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _seen;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/file_stream", StringComparison.Ordinal) && Interlocked.Increment(ref _seen) == n
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest) { RequestMessage = request, Content = new StringContent("{\"error\":\"refused by the test\"}") })
                : base.SendAsync(request, cancellationToken);
    }

    [Test]
    public async Task LogWithAnEmptyDisplayName_IsSentAsNull_SoTheServerNamesTheRun()
    {
        // As wandb-core does (runupserter.go: nullify.NilIfZero(DisplayName)): W&B then gives the run a
        // generated name instead of a blank one. A log of another writer can have an empty name.
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "wandb", "offline-run-20260101_000000-e3mpty01")).FullName;
        var log = Path.Combine(folder, "run-e3mpty01.wandb");
        using (var writer = RunLogWriter.Create(log))
        {
            writer.WriteRun(new RunInfo { RunId = "e3mpty01", DisplayName = "", Key = new RunKey("runlog", "s", 0), StartTick = 0 }, DateTimeOffset.UnixEpoch);
            writer.WriteHistory(new HistoryRow(1, 120, 2, DateTimeOffset.UnixEpoch, [new("coal", 1)]));
            writer.WriteExit();
            writer.WriteFinal();
        }
        await using var server = await FakeWandbServer.StartAsync();

        var result = await SyncAsync(server, log, 100);

        Assert.That(result.Outcome, Is.EqualTo(RunLogUploadOutcome.Synced));
        Assert.That(server.State.Runs.Single().DisplayName, Is.Null, "displayName was sent as null, not as \"\"");
    }

    [Test]
    public async Task PartlyUploadedRun_ResumesWithoutDuplicatesOrGaps()
    {
        var log = WriteOfflineRun("freeplay.jsonl");
        await using var server = await FakeWandbServer.StartAsync();

        var failed = await SyncAsync(server, log, 100, new RefuseNthFileStream(2));
        var afterFailure = server.State.Runs.Single().HistoryRows().Count;
        var syncedAfterFailure = SyncedMarker.IsSynced(log);
        var resumed = await SyncAsync(server, log, 100);

        var run = server.State.Runs.Single();
        Assert.That(failed.Outcome, Is.EqualTo(RunLogUploadOutcome.Failed), "the second request is refused for good");
        Assert.That(syncedAfterFailure, Is.False, "not marked synced after the failure");
        Assert.That(afterFailure, Is.EqualTo(100));
        Assert.That(resumed.Outcome, Is.EqualTo(RunLogUploadOutcome.Synced));
        Assert.That(resumed.RowsSent, Is.EqualTo(200), "only the rows the server did not have");
        Assert.That(run.HistoryRows().Select(r => (long)r["_step"]!), Is.EqualTo(Enumerable.Range(1800, 300).Select(i => (long)i)));
        Assert.That((run.Complete, run.ExitCode), Is.EqualTo((true, (int?)0)));
        Assert.That(SyncedMarker.IsSynced(log), Is.True);
    }

    [Test]
    public void FindLogs_AcceptsAFileARunFolderOrAWandbFolder()
    {
        var log = WriteOfflineRun("freeplay.jsonl");

        Assert.That(OfflineLayout.FindLogs(log), Is.EqualTo(new[] { log }));
        Assert.That(OfflineLayout.FindLogs(Path.GetDirectoryName(log)!), Is.EqualTo(new[] { log }));
        Assert.That(OfflineLayout.FindLogs(Path.Combine(_dir, "wandb")), Is.EqualTo(new[] { log }));
        Assert.That(() => OfflineLayout.FindLogs(Path.Combine(_dir, "missing")), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("missing"));
    }
}
