using System.Net;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class WandbRunSinkTests
{
    private FakeWandbHandler _handler = null!;
    private FakeTimeProvider _time = null!;
    private WandbRunSink _sink = null!;

    [SetUp]
    public void SetUp()
    {
        _handler = new FakeWandbHandler();
        _time = new FakeTimeProvider(WandbTestKit.Start);
        _sink = WandbRunSink.Create(WandbTestKit.Options(), WandbTestKit.ApiKey, null, _time, _handler);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sink.DisposeAsync();
        _handler.Dispose();
    }

    [Test]
    public async Task StartBatchFinish_MapToUpsertFileStreamComplete()
    {
        var run = WandbTestKit.Run();

        await _sink.HandleAsync(new StartRun { Run = run }, default);
        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]), default);
        await _sink.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);

        Assert.That(_handler.Requests.Select(r => r.IsFileStream), Is.EqualTo(new[] { false, true, true }));
        Assert.That(_handler.FileStreamRequests[^1].Body, Is.EqualTo("""{"complete":true,"exitcode":0}"""));
        Assert.That(_sink.GetRun(run.RunId), Is.Null);
        Assert.That(_sink.Counters.Snapshot(), Is.EqualTo(new WandbStats(Requests: 3, Retries: 0, Heartbeats: 0, RowsSent: 1, RowsDropped: 0, LinesDropped: 0, BatchesSkipped: 0, FailedRequests: 0)));
    }

    [Test]
    public async Task Heartbeat_AfterThirtySecondsIdle_InVirtualTime()
    {
        var run = WandbTestKit.Run();
        await _sink.HandleAsync(new StartRun { Run = run }, default);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]), default);

        _time.Advance(TimeSpan.FromSeconds(29));
        await _sink.WaitForHeartbeatsAsync();
        Assert.That(_handler.FileStreamRequests, Has.Count.EqualTo(1), "29 s after the batch: no heartbeat yet");

        _time.Advance(TimeSpan.FromSeconds(1));
        await _handler.WaitForRequestsAsync(3);
        await _sink.WaitForHeartbeatsAsync();
        Assert.That(_handler.FileStreamRequests[^1].Body, Is.EqualTo("{}"));

        _time.Advance(TimeSpan.FromSeconds(30));
        await _handler.WaitForRequestsAsync(4);
        await _sink.WaitForHeartbeatsAsync();
        Assert.That(_handler.FileStreamRequests.Select(r => r.Body).Skip(1), Is.EqualTo(new[] { "{}", "{}" }));
        Assert.That(_sink.Counters.Heartbeats, Is.EqualTo(2));

        await _sink.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);
        _time.Advance(TimeSpan.FromMinutes(5));
        await _sink.WaitForHeartbeatsAsync();
        Assert.That(_handler.FileStreamRequests[^1].Body, Is.EqualTo("""{"complete":true,"exitcode":0}"""), "no heartbeats after finish");
    }

    [Test]
    public async Task IdleFinishThenResume_ContinuesOffsetsOfTheSameRun()
    {
        var run = WandbTestKit.Run();
        await _sink.HandleAsync(new StartRun { Run = run }, default);
        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1)), WandbTestKit.Row(2, ("a", 2))]), default);
        await _sink.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Idle }, default);

        await _sink.HandleAsync(new StartRun { Run = run, Resumed = true }, default);
        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(3, ("a", 3))]), default);

        var last = _handler.FileStreamRequests[^1].Json.GetProperty("files").GetProperty("wandb-history.jsonl");
        Assert.That(last.GetProperty("offset").GetInt64(), Is.EqualTo(2));
        Assert.That(_sink.GetRun(run.RunId)!.State, Is.EqualTo(WandbRunState.Running));
    }

    [Test]
    public async Task TwoRuns_AreKeptApart()
    {
        var a = WandbTestKit.Run("aaaa1111", "s1");
        var b = WandbTestKit.Run("bbbb2222", "s2");
        await _sink.HandleAsync(new StartRun { Run = a }, default);
        await _sink.HandleAsync(new StartRun { Run = b }, default);
        await _sink.HandleAsync(WandbTestKit.Batch(a, [WandbTestKit.Row(1, ("x", 1))]), default);
        await _sink.HandleAsync(WandbTestKit.Batch(b, [WandbTestKit.Row(1, ("x", 1)), WandbTestKit.Row(2, ("x", 1))]), default);
        await _sink.HandleAsync(WandbTestKit.Batch(a, [WandbTestKit.Row(2, ("x", 2))]), default);

        var lastA = _handler.FileStreamRequests[^1];
        Assert.That(lastA.Uri.AbsolutePath, Does.EndWith("/aaaa1111/file_stream"));
        Assert.That(lastA.Json.GetProperty("files").GetProperty("wandb-history.jsonl").GetProperty("offset").GetInt64(), Is.EqualTo(1));
        Assert.That(_sink.GetRun(b.RunId)!.HistoryOffset, Is.EqualTo(2));
    }

    [Test]
    public async Task BatchForUnknownRun_IsDroppedAndCounted()
    {
        await _sink.HandleAsync(WandbTestKit.Batch(WandbTestKit.Run(), [WandbTestKit.Row(1, ("a", 1))]), default);

        Assert.That(_handler.Requests, Is.Empty);
        Assert.That((_sink.Counters.BatchesSkipped, _sink.Counters.RowsDropped), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public async Task FinalFailure_FailsOnlyThatRun_ButAuthFailureStopsThePipeline()
    {
        var run = WandbTestKit.Run();
        await _sink.HandleAsync(new StartRun { Run = run }, default);
        _handler.EnqueueFileStream(HttpStatusCode.UnprocessableEntity, """{"error":"bad summary"}""");

        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]), default);
        await _sink.HandleAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(2, ("a", 1))]), default);
        Assert.That(_sink.GetRun(run.RunId)!.State, Is.EqualTo(WandbRunState.Failed));
        Assert.That(_sink.Counters.RowsDropped, Is.EqualTo(2));

        var other = WandbTestKit.Run("zzzz9999");
        _handler.EnqueueGraphQl(HttpStatusCode.Unauthorized, """{"errors":[{"message":"user is not logged in"}]}""");
        var e = Assert.ThrowsAsync<WandbAuthenticationException>(async () => await _sink.HandleAsync(new StartRun { Run = other }, default));
        Assert.That(e!.Message, Does.Not.Contain(WandbTestKit.ApiKey));
    }
}
