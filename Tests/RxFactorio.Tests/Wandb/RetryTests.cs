using System.Net;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class RetryTests
{
    private RxFactorio.Cli.Monitoring.MeterTotals _meter = null!;

    /// <summary>The <c>RxFactorio</c> meter's sums during one test, as <c>/metrics</c> reads them.</summary>
    [SetUp]
    public void StartListening() => _meter = new RxFactorio.Cli.Monitoring.MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    [Test]
    public async Task ServerError_IsRetried_WithTheIdenticalBody_AndOffsetsWaitForSuccess()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream(HttpStatusCode.InternalServerError, """{"error":"boom"}""");

        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1)), WandbTestKit.Row(2, ("a", 2))], ["log"], [("a", 2)]));
        await handler.WaitForRequestsAsync(2);
        Assert.That(send.IsCompleted, Is.False);
        Assert.That((client.HistoryOffset, client.LogOffset), Is.EqualTo((0L, 0L)), "offsets must not move before success");

        time.Advance(TimeSpan.FromSeconds(2.5)); // first backoff: 2 s · (1 + up to 25 % jitter)
        Assert.That(await send.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);

        var attempts = handler.FileStreamRequests;
        Assert.That(attempts, Has.Count.EqualTo(2));
        Assert.That(attempts[1].Body, Is.EqualTo(attempts[0].Body));
        Assert.That((client.HistoryOffset, client.LogOffset), Is.EqualTo((2L, 1L)));
        Assert.That(_meter.Total("rxfactorio.http.retries"), Is.EqualTo(1));
        Assert.That(_meter.Total("rxfactorio.http.requests"), Is.EqualTo(2), "one upsert + one file_stream; retries are counted apart");
    }

    [Test]
    public async Task TooManyRequests_WaitsForRetryAfter_InVirtualTime()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream((HttpStatusCode)429, """{"error":"rate limited"}""", ("Retry-After", "90"));

        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(2);

        time.Advance(TimeSpan.FromSeconds(89)); // longer than the 60 s backoff cap: Retry-After wins
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1));
        Assert.That(send.IsCompleted, Is.False);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await send.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ManyFailures_BackOffExponentiallyUpToTheCap_ThenSucceed()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        for (var i = 0; i < 8; i++)
        {
            handler.EnqueueFileStream(HttpStatusCode.BadGateway, "bad gateway");
        }

        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        var requests = 2;
        foreach (var seconds in new[] { 2.5, 5, 10, 20, 40, 60, 60, 60 })
        {
            await handler.WaitForRequestsAsync(requests);
            time.Advance(TimeSpan.FromSeconds(seconds));
            requests++;
        }

        Assert.That(await send.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(9));
        Assert.That(_meter.Total("rxfactorio.http.retries"), Is.EqualTo(8));
        Assert.That(_meter.ByTag("rxfactorio.http.retries"), Is.EquivalentTo(new Dictionary<string, long> { ["502"] = 8 }));
        Assert.That(
            _meter.ByTag("rxfactorio.http.attempts"),
            Is.EquivalentTo(new Dictionary<string, long> { ["200"] = 2, ["502"] = 8 }),
            "every attempt by status: the upsert, eight 502s, the final 200");
    }

    [Test]
    public async Task Unauthorized_ThrowsAuthenticationException_NamingHostEntityProject_NotTheKey()
    {
        var (connection, handler, _) = WandbTestKit.Connect(WandbTestKit.Options(o => o with { Entity = "my-team" }));
        using var _ = connection;
        handler.EnqueueGraphQl(HttpStatusCode.Unauthorized, """{"errors":[{"message":"user is not logged in","extensions":{"code":"PERMISSION_ERROR"}}],"data":{"upsertBucket":null}}""");
        var client = connection.CreateRunClient(WandbTestKit.Run());

        var e = Assert.ThrowsAsync<WandbAuthenticationException>(() => client.StartAsync());

        Assert.That(e!.Message, Does.Contain("wandb.test").And.Contain("my-team").And.Contain("factorio-experiments").And.Contain("401"));
        Assert.That(e.Message, Does.Contain("user is not logged in"));
        Assert.That(e.ToString(), Does.Not.Contain(WandbTestKit.ApiKey));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "401 is not retried");
    }

    [Test]
    public async Task Forbidden_OnFileStream_IsAnAuthenticationFailureToo()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream(HttpStatusCode.Forbidden, """{"errors":[{"message":"permission denied"}]}""");

        var e = Assert.ThrowsAsync<WandbAuthenticationException>(() => client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))])));

        Assert.That(e!.Entity, Is.EqualTo("factorio-team"), "the entity the server chose");
        Assert.That(e.Message, Does.Not.Contain(WandbTestKit.ApiKey));
    }

    [Test]
    public async Task BadRequest_IsNotRetried_AndFailsTheRunClearly()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream(HttpStatusCode.BadRequest, """{"error":"invalid history line"}""");

        var e = Assert.ThrowsAsync<WandbRequestException>(() => client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))])));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(e.Message, Does.Contain("400").And.Contain("invalid history line").And.Contain("file_stream"));
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1));
        Assert.That(client.State, Is.EqualTo(WandbRunState.Failed));
        Assert.That(await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(2, ("a", 1))])), Is.False);
        Assert.That(_meter.Total("rxfactorio.rows.dropped"), Is.EqualTo(2));
    }

    [Test]
    public async Task UpsertConflict_IsRetried_ButFileStreamConflictIsNot()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        handler.EnqueueGraphQl(HttpStatusCode.Conflict, """{"errors":[{"message":"conflict"}]}""");
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);

        var start = client.StartAsync();
        await handler.WaitForRequestsAsync(2 - 1);
        time.Advance(TimeSpan.FromSeconds(2.5));
        await start.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(handler.Requests, Has.Count.EqualTo(2));

        handler.EnqueueFileStream(HttpStatusCode.Conflict, "conflict");
        Assert.ThrowsAsync<WandbRequestException>(() => client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))])));
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task TransportErrors_AreRetried()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStreamException(new HttpRequestException("connection refused"));

        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(2);
        time.Advance(TimeSpan.FromSeconds(2.5));

        Assert.That(await send.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task FileStreamRetries_StopAfterTheRetryDuration_WithAClearFailure()
    {
        var options = WandbTestKit.Options(o => o with { FileStreamRetryDuration = TimeSpan.FromMinutes(5) });
        var (connection, handler, time) = WandbTestKit.Connect(options);
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        for (var i = 0; i < 100; i++)
        {
            handler.EnqueueFileStream(HttpStatusCode.ServiceUnavailable, "down");
        }

        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        for (var i = 0; i < 6 && !send.IsCompleted; i++)
        {
            await handler.WaitForRequestsAsync(2 + i);
            time.Advance(TimeSpan.FromSeconds(61));
        }

        var e = Assert.ThrowsAsync<WandbRequestException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.That(e!.Message, Does.Contain("timed out").And.Contain("file_stream"));
        Assert.That(client.State, Is.EqualTo(WandbRunState.Failed));
        Assert.That(client.HistoryOffset, Is.Zero);
    }

    [TestCase(408, true)]
    [TestCase(429, true)]
    [TestCase(500, true)]
    [TestCase(503, true)]
    [TestCase(418, true)]
    [TestCase(400, false)]
    [TestCase(401, false)]
    [TestCase(403, false)]
    [TestCase(404, false)]
    [TestCase(409, false)]
    [TestCase(410, false)]
    [TestCase(413, false)]
    [TestCase(422, false)]
    [TestCase(501, false)]
    [TestCase(200, false)]
    public void StatusClassification_MatchesWandbCore(int status, bool retried) =>
        Assert.That(WandbRetryPolicy.IsRetryableStatus(status), Is.EqualTo(retried));

    [Test]
    public void RetryAfter_AcceptsSecondsFloatsAndDates()
    {
        var now = WandbTestKit.Start;
        using var seconds = new HttpResponseMessage();
        seconds.Headers.TryAddWithoutValidation("Retry-After", "1.5");
        using var date = new HttpResponseMessage();
        date.Headers.TryAddWithoutValidation("Retry-After", now.AddMinutes(2).ToString("r"));

        Assert.That(WandbRetryPolicy.RetryAfter(seconds, now), Is.EqualTo(TimeSpan.FromSeconds(1.5)));
        Assert.That(WandbRetryPolicy.RetryAfter(date, now), Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(WandbRetryPolicy.Backoff(0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 0), Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(WandbRetryPolicy.Backoff(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 0.5), Is.EqualTo(TimeSpan.FromSeconds(18)));
        Assert.That(WandbRetryPolicy.Backoff(10, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 0.99), Is.EqualTo(TimeSpan.FromSeconds(60)));
    }
}
