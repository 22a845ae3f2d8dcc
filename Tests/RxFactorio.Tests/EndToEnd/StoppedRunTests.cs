using Microsoft.Extensions.Logging;
using RxFactorio.FakeWandb.State;
using RxFactorio.Sinks;
using RxFactorio.Tests.Sources;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>A run stopped in the W&amp;B UI (file_stream answers <c>"stopped": true</c>) gets nothing more from the client.</summary>
public sealed class StoppedRunTests
{
    private const string Session = "freeplay_216000";

    [Test]
    public async Task RunStoppedOnTheServerMidStream_NoFurtherBatchesAreSent_AndTheClientReportsIt()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        var live = e2e.Live();

        live.Push(Game.Init(Session, 1800 * 120), Game.Stats(Session, 1800));
        await live.DeliveredStepAsync(1800);
        var run = e2e.Server.State.Runs.Single();

        // The user presses Stop: the next file_stream answer says so (its data is still stored).
        e2e.Server.MarkStopped(run.Key);
        live.Push(Game.Stats(Session, 1801));
        await live.DeliveredStepAsync(1801);
        await Wait.UntilAsync(() => StopLogged(e2e) == 1, () => "the stop to be logged");
        var requestsWhenStopped = ServerView.FileStreamRequests(e2e.Server.State, run).Count;

        // Later batches of the run are not sent.
        live.Push(Game.Stats(Session, 1802), Game.Stats(Session, 1803));
        await live.DeliveredStepAsync(1803);
        var delivered = await live.CompleteAsync();

        Assert.Multiple(() =>
        {
            Assert.That(requestsWhenStopped, Is.EqualTo(2), "the batch before the stop and the batch whose answer said stopped");
            Assert.That(ServerView.FileStreamRequests(e2e.Server.State, run), Has.Count.EqualTo(requestsWhenStopped),
                "no further file_stream request for the stopped run: no batch, no heartbeat, no complete");
            Assert.That(ServerView.Steps(run), Is.EqualTo(new long[] { 1800, 1801 }));
            Assert.That(run.Complete, Is.False, "the client does not complete a run the server stopped");
            Assert.That(delivered.OfType<LogBatch>().SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(new long[] { 1800, 1801, 1802, 1803 }),
                "the pipeline went on (the batches were handed to the sink)");
            Assert.That((e2e.Meter.Total("rxfactorio.rows.delivered"), e2e.Meter.Total("rxfactorio.rows.dropped")), Is.EqualTo((2L, 2L)));
            Assert.That(e2e.Meter.Total("rxfactorio.http.failures"), Is.Zero);
            Assert.That(StopLogged(e2e), Is.EqualTo(1), "the stop is logged once");
        });
    }

    private static int StopLogged(EndToEndHarness e2e) =>
        e2e.ClientLogs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("stopped in the W&B UI", StringComparison.Ordinal));
}
