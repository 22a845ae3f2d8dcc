using Microsoft.Extensions.Time.Testing;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Heartbeats in virtual time: the client's clock (and the server's request-log clock) is a
/// <see cref="FakeTimeProvider"/>; the run stage and HTTP are real. A run with nothing to send for 30 s
/// of that clock gets a <c>{}</c> file_stream request, and not a moment before.
/// </summary>
public sealed class HeartbeatEndToEndTests
{
    private const string Session = "freeplay_216000";

    [Test]
    public async Task RunIdleFor30VirtualSeconds_SendsEmptyHeartbeat_NotBefore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var t0 = time.GetUtcNow();
        await using var e2e = await EndToEndHarness.StartAsync(clientTime: time, serverTime: time);
        var live = e2e.Live();

        live.Push(Game.Init(Session, 1800 * 120), Game.Stats(Session, 1800));
        await live.DeliveredStepAsync(1800);
        var run = e2e.Server.State.Runs.Single();
        Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => r.At), Is.EqualTo(new[] { t0 }), "the batch, at virtual t0");

        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        await e2e.IdleAsync(() => true, "the shipper to sleep");
        Assert.Multiple(() =>
        {
            Assert.That(e2e.Server.State.Counters.Heartbeats, Is.Zero, "29.999 s idle: no heartbeat yet");
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run), Has.Count.EqualTo(1));
        });

        time.Advance(TimeSpan.FromMilliseconds(1));
        await e2e.IdleAsync(() => e2e.Server.State.Counters.Heartbeats == 1, "one heartbeat");
        Assert.Multiple(() =>
        {
            Assert.That(e2e.Server.State.Counters.Heartbeats, Is.EqualTo(1), "30 s idle: one {} heartbeat");
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => (r.At - t0, r.StatusCode)),
                Is.EqualTo(new[] { (TimeSpan.Zero, 200), (TimeSpan.FromSeconds(30), 200) }));
        });

        // Still idle: the next one 30 s after the heartbeat.
        time.Advance(TimeSpan.FromSeconds(30));
        await e2e.IdleAsync(() => e2e.Server.State.Counters.Heartbeats == 2, "a second heartbeat");
        Assert.That(e2e.Server.State.Counters.Heartbeats, Is.EqualTo(2), "60 s idle: a second heartbeat");

        var rowsBefore = run.LineCount(FakeFileNames.History);
        await live.CompleteAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        await e2e.IdleAsync(() => true, "the shipper to sleep");

        Assert.Multiple(() =>
        {
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run).Select(r => r.At - t0),
                Is.EqualTo(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60) }),
                "batch, heartbeat, heartbeat, complete; none after the run finished");
            Assert.That(e2e.Server.State.Counters.Heartbeats, Is.EqualTo(2));
            Assert.That((rowsBefore, run.LineCount(FakeFileNames.History)), Is.EqualTo((1, 1)), "heartbeats carry no lines");
            ServerView.AssertFinished(run);
        });
    }
}
