using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.FakeWandb;

public sealed class FaultTests : FakeWandbTestBase
{
    [Test]
    public async Task StatusQueue_500_429WithRetryAfter_ThenSuccess()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        Server.Faults.FailNext(FaultScope.FileStream, [500], null);
        Server.Faults.FailNext(FaultScope.FileStream, 429, retryAfter: "7");
        var body = FileStreamBody(("output.log", 0, ["x"]));

        using var first = await PostFileStreamAsync(Client, path, body);
        Assert.That(run.Lines("output.log"), Is.Empty, "a status fault answers without storing");
        using var second = await PostFileStreamAsync(Client, path, body);
        using var third = await PostFileStreamAsync(Client, path, body);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(second.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "x" }));
        Assert.That(Server.State.Requests.Where(r => r.Kind == RequestKind.FileStream).Select(r => r.StatusCode), Is.EqualTo(new[] { 500, 429, 200 }));
    }

    [Test]
    public async Task ScopedFault_OnlyHitsItsPathKind()
    {
        Server.Faults.FailNext(FaultScope.FileStream, 503);

        using var graphql = await PostGraphqlAsync(Client, "Viewer", "query Viewer { viewer { entity } }");

        Assert.That(graphql.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.Faults.PendingCount, Is.EqualTo(1));
    }

    [Test]
    public async Task GraphqlStatusFault_AnswersWithGraphqlErrorBody()
    {
        Server.Faults.FailNext(FaultScope.Graphql, 502);

        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars("abc123xy"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That((await ReadJsonAsync(response))!["errors"], Is.Not.Null);
        Assert.That(Server.State.Runs, Is.Empty);
    }

    [Test]
    public async Task DropAfterStore_ThenRetryOfTheSameOffsets_LeavesExactlyOneCopy()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        var body = FileStreamBody((FakeFileNames.History, 0, ["""{"_step":0}""", """{"_step":1}"""]));
        Server.Faults.DropNext(FaultScope.FileStream, DropTiming.AfterStore);

        // A fresh connection, so SocketsHttpHandler does not silently retry on a reused one.
        using (var fresh = Server.CreateClient())
        {
            Assert.ThrowsAsync<HttpRequestException>(() => PostFileStreamAsync(fresh, path, body));
        }

        Assert.That(run.LineCount(FakeFileNames.History), Is.EqualTo(2), "stored before the connection was dropped");
        using var retry = await PostFileStreamAsync(Client, path, body);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.State.HistoryRows(run.Key).Select(r => r["_step"]!.GetValue<int>()), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(Server.State.Requests.Count(r => r.Aborted), Is.EqualTo(1));
    }

    [Test]
    public async Task DropBeforeStore_StoresNothing()
    {
        var run = await CreateRunAsync();
        Server.Faults.DropNext(FaultScope.Any, DropTiming.BeforeStore);

        using (var fresh = Server.CreateClient())
        {
            Assert.ThrowsAsync<HttpRequestException>(() => PostFileStreamAsync(fresh, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, ["x"]))));
        }

        Assert.That(run.Lines("output.log"), Is.Empty);
    }

    [Test]
    public async Task Delay_WaitsOnTheInjectedTimeProvider()
    {
        var run = await CreateRunAsync();
        var delayStarted = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Faults.DelayStarted += d => delayStarted.TrySetResult(d);
        Server.Faults.DelayNext(FaultScope.FileStream, TimeSpan.FromMinutes(5));

        var pending = PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, ["x"])));
        Assert.That(await delayStarted.Task.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(pending.IsCompleted, Is.False);
        Assert.That(run.Lines("output.log"), Is.Empty);

        Time.Advance(TimeSpan.FromMinutes(5));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "x" }));
    }

    [TestCase("2", null, TestName = "RefuseFor_AnswersEveryRequest429_WithRetryAfter_UntilThePeriodEnds")]
    [TestCase(null, "3", TestName = "RefuseFor_AnswersEveryRequest429_WithRateLimitReset_UntilThePeriodEnds")]
    public async Task RefuseFor(string? retryAfter, string? reset)
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        Server.Faults.RefuseFor(FaultScope.FileStream, Time, TimeSpan.FromSeconds(2.5), retryAfter);

        var refused = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add(await PostFileStreamAsync(Client, path, FileStreamBody(("output.log", 0, ["x"]))));
        }
        Time.Advance(TimeSpan.FromSeconds(2.5));
        using var after = await PostFileStreamAsync(Client, path, FileStreamBody(("output.log", 0, ["x"])));

        Assert.Multiple(() =>
        {
            Assert.That(refused.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Select(r => r.Headers.RetryAfter?.ToString()), Is.All.EqualTo(retryAfter is null ? null : retryAfter));
            Assert.That(refused.Select(r => r.Headers.TryGetValues("RateLimit-Reset", out var v) ? v.Single() : null), Is.All.EqualTo(reset));
            Assert.That(refused.Select(r => r.Headers.TryGetValues("RateLimit-Remaining", out var v) ? v.Single() : null), Is.All.EqualTo(reset is null ? null : "0"));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the period is over");
            Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "x" }), "refused requests store nothing");
        });
        refused.ForEach(r => r.Dispose());
    }

    [Test]
    public async Task RefusalCanBeStartedOverHttp()
    {
        var run = await CreateRunAsync();
        using var control = new HttpClient { BaseAddress = Server.BaseUrl };
        using var started = await control.PostAsync("_fake/faults", new StringContent(
            """{"type":"refuse","scope":"file_stream","forMs":1000,"retryAfter":"1"}""", Encoding.UTF8, "application/json"));
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        using var refused = await PostFileStreamAsync(Client, path, FileStreamBody(("output.log", 0, ["x"])));
        Time.Advance(TimeSpan.FromSeconds(1));
        using var after = await PostFileStreamAsync(Client, path, FileStreamBody(("output.log", 0, ["x"])));

        Assert.That((started.StatusCode, refused.StatusCode, after.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK)));
    }

    [Test]
    public async Task FaultsCanBeQueuedOverHttp()
    {
        var run = await CreateRunAsync();
        using var control = new HttpClient { BaseAddress = Server.BaseUrl };
        using var queued = await control.PostAsync("_fake/faults", new StringContent(
            """[{"type":"status","scope":"file_stream","statuses":[500,429],"retryAfter":"1"},{"type":"drop","scope":"file_stream","when":"after_store"}]""",
            Encoding.UTF8,
            "application/json"));
        Assert.That(queued.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(queued))!["pending"]!.GetValue<int>(), Is.EqualTo(3));

        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        var body = FileStreamBody(("output.log", 0, ["x"]));
        using var first = await PostFileStreamAsync(Client, path, body);
        using var second = await PostFileStreamAsync(Client, path, body);
        using (var fresh = Server.CreateClient())
        {
            Assert.ThrowsAsync<HttpRequestException>(() => PostFileStreamAsync(fresh, path, body));
        }

        using var bad = await control.PostAsync("_fake/faults", new StringContent("""{"type":"nope"}""", Encoding.UTF8, "application/json"));

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests)));
        Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "x" }));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task StopCanBeRequestedOverHttp()
    {
        var run = await CreateRunAsync();
        using var control = new HttpClient { BaseAddress = Server.BaseUrl };
        using var stop = await control.PostAsync("_fake/stop", new StringContent("""{"project":"factorio","run":"abc123xy"}""", Encoding.UTF8, "application/json"));

        Assert.That(stop.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(run.Stopped, Is.True);
    }
}
