using System.Net;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Sources;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>
/// Retry waits against the shutdown deadline (<see cref="WandbConnection.CutRetryWaitsAt"/>), and what
/// the retry log names, in virtual time: no test here waits on the real clock.
/// </summary>
public sealed class ShutdownRetryTests
{
    private RxFactorio.Cli.Monitoring.MeterTotals _meter = null!;

    /// <summary>The <c>RxFactorio</c> meter's sums during one test, as <c>/metrics</c> reads them.</summary>
    [SetUp]
    public void StartListening() => _meter = new RxFactorio.Cli.Monitoring.MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static (WandbConnection Connection, FakeWandbHandler Handler, FakeTimeProvider Time, CapturingLoggerFactory Logs) Connect()
    {
        var handler = new FakeWandbHandler();
        var time = new FakeTimeProvider(WandbTestKit.Start);
        var logs = new CapturingLoggerFactory();
        var connection = WandbConnection.Create(WandbTestKit.Options(), new WandbCredentials(WandbTestKit.ApiKey), logs, time, handler);
        return (connection, handler, time, logs);
    }

    [Test]
    public async Task RetryAfterOutlastsTheDeadline_RequestIsGivenUpAtOnce_WithoutTheClockMoving()
    {
        var (connection, handler, time, _) = Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream((HttpStatusCode)429, """{"error":"slow down"}""", ("Retry-After", "35"));
        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(2);

        connection.CutRetryWaitsAt(time.GetUtcNow() + TimeSpan.FromSeconds(30));

        var failure = Assert.ThrowsAsync<WandbRequestException>(async () => await send.WaitAsync(Generous));
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("file_stream").And.Contain("given up for the shutdown").And.Contain("due in 35 s"));
            Assert.That(time.GetUtcNow(), Is.EqualTo(WandbTestKit.Start), "no virtual time passed: the wait was cut, not waited");
            Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1), "no retry was sent");
            Assert.That(connection.RetryWaitCut.IsCancellationRequested, Is.True);
            Assert.That(_meter.Total("rxfactorio.http.retries"), Is.Zero);
        });
    }

    [Test]
    public async Task DeadlineSetBeforeTheFailure_LongWaitIsNotStarted()
    {
        var (connection, handler, time, _) = Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        connection.CutRetryWaitsAt(time.GetUtcNow() + TimeSpan.FromSeconds(30));
        handler.EnqueueFileStream((HttpStatusCode)429, """{"error":"slow down"}""", ("Retry-After", "35"));

        var failure = Assert.ThrowsAsync<WandbRequestException>(async () => await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))])).WaitAsync(Generous));

        Assert.That(failure!.Message, Does.Contain("given up for the shutdown"));
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task WaitThatEndsBeforeTheDeadline_IsWaitedAndRetried()
    {
        var (connection, handler, time, _) = Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStream((HttpStatusCode)429, """{"error":"slow down"}""", ("Retry-After", "5"));
        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(2);
        connection.CutRetryWaitsAt(time.GetUtcNow() + TimeSpan.FromSeconds(30));

        await AdvanceUntilAsync(time, () => handler.FileStreamRequests.Count == 2, "the retry");

        Assert.That(time.GetUtcNow() - WandbTestKit.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)), "Retry-After: 5 (virtual) is still honoured");
        Assert.That(await send.WaitAsync(Generous), Is.True);
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(2));
        Assert.That(connection.RetryWaitCut.IsCancellationRequested, Is.False);
    }

    [Test]
    public async Task TransportFailure_RetryLogNamesTheRequest_NeverUnknownNorTheKey()
    {
        var (connection, handler, time, logs) = Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);
        await client.StartAsync();
        handler.EnqueueFileStreamException(new HttpRequestException("Connection refused"));
        var send = client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(2);

        await AdvanceUntilAsync(time, () => send.IsCompleted, "the retried send");
        Assert.That(await send, Is.True);

        var retry = logs.Entries.Single(e => e.Category == "RxFactorio.Wandb.Retry");
        Assert.That(retry.Message, Does.StartWith($"W&B file_stream request (POST /files/{handler.ResponseEntity}/{handler.ResponseProject}/{run.RunId}/file_stream) failed (HttpRequestException: Connection refused); retry 1 in"));
        Assert.That(logs.Entries.Select(e => e.AllText), Has.None.Contains("(unknown)").And.None.Contains(WandbTestKit.ApiKey));
    }

    /// <summary>Moves virtual time on in 100 ms steps until <paramref name="done"/> (whenever the client's timer was set).</summary>
    private static Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, string what) =>
        Wait.UntilAsync(() =>
        {
            if (done())
            {
                return true;
            }
            time.Advance(TimeSpan.FromMilliseconds(100));
            return false;
        }, () => what);
}
