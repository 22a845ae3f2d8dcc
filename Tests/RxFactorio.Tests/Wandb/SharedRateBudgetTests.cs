using System.Net;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>
/// Two runs on one <see cref="WandbConnection"/> (as in one rxfactorio process): W&amp;B's answer to one
/// run's request paces the other run's requests too, in virtual time.
/// </summary>
public sealed class SharedRateBudgetTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Test]
    public async Task TooManyRequestsForRunA_RunBsRequestWaitsUntilTheSameTime_BothThenDelivered()
    {
        var (connection, handler, time) = WandbTestKit.Connect();
        using var _ = connection;
        var runA = WandbTestKit.Run("runaaaaa", "freeplay_1");
        var runB = WandbTestKit.Run("runbbbbb", "freeplay_2");
        var a = connection.CreateRunClient(runA);
        var b = connection.CreateRunClient(runB);
        await a.StartAsync();
        await b.StartAsync();
        handler.EnqueueFileStream((HttpStatusCode)429, """{"error":"rate limited"}""", ("Retry-After", "30"));

        var sendA = a.SendAsync(WandbTestKit.Batch(runA, [WandbTestKit.Row(1, ("a", 1))]));
        await handler.WaitForRequestsAsync(3);
        var sendB = b.SendAsync(WandbTestKit.Batch(runB, [WandbTestKit.Row(1, ("b", 1))]));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(handler.FileStreamRequests, Has.Count.EqualTo(1), "run b did not go out while W&B asked run a to wait 30 s");

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await sendA.WaitAsync(Generous), Is.True);
        Assert.That(await sendB.WaitAsync(Generous), Is.True);
        var fileStreams = handler.FileStreamRequests;
        Assert.Multiple(() =>
        {
            Assert.That(fileStreams, Has.Count.EqualTo(3), "a's 429, then a's retry and b's request, once each");
            Assert.That(fileStreams.Count(r => r.Uri.AbsolutePath.Contains("/runbbbbb/", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }
}
