using RxFactorio.Sinks;
using RxFactorio.Tests.Sources;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>A run that goes idle is finished; when its session comes back it resumes as the same W&amp;B run, its steps and offsets continuing.</summary>
public sealed class IdleResumeEndToEndTests
{
    private const string Session = "freeplay_216000";

    [Test]
    public async Task IdleRunFinished_ThenSameSessionResumes_OneRunOnTheServerWithContiguousHistory()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        var live = e2e.Live(EndToEndHarness.FastRuns() with { IdleTimeout = TimeSpan.FromMilliseconds(300) });

        live.Push(Game.Init(Session, 1800 * 120), Game.Stats(Session, 1800), Game.Stats(Session, 1801));
        await Wait.UntilAsync(() => live.Delivered.OfType<FinishRun>().Any(), () => "the idle finish");
        await e2e.IdleAsync(() => e2e.Server.State.Runs.Count == 1 && e2e.Server.State.Runs[0].Complete, "the shipper to complete the idle run on the server");
        var run = e2e.Server.State.Runs.Single();
        var completeWhenIdle = run.Complete;

        live.Push(Game.Stats(Session, 1802), Game.Stats(Session, 1803));
        var delivered = await live.CompleteAsync();

        Assert.Multiple(() =>
        {
            // Batches may split at window boundaries (real time); starts, finishes and the rows of each opening may not.
            var idleAt = delivered.ToList().FindIndex(c => c is FinishRun);
            Assert.That(delivered.Where(c => c is not LogBatch).Select(Support.Describe.Command), Is.EqualTo(new[]
            {
                $"start {Game.Source}/{Session}#1", $"finish {Game.Source}/{Session}#1 Idle",
                $"start {Game.Source}/{Session}#1 resumed", $"finish {Game.Source}/{Session}#1 Shutdown",
            }));
            Assert.That(delivered.Take(idleAt).OfType<LogBatch>().SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(new long[] { 1800, 1801 }));
            Assert.That(delivered.Skip(idleAt).OfType<LogBatch>().SelectMany(b => b.Rows).Select(r => r.Step), Is.EqualTo(new long[] { 1802, 1803 }));
            Assert.That(delivered.Where(c => c is not FinishRun).Select(c => c.Run.RunId).Distinct().Count(), Is.EqualTo(1), "one run id");
            Assert.That(completeWhenIdle, Is.True, "the idle run was finished on the server");
            Assert.That(e2e.Server.State.Runs, Has.Count.EqualTo(1), "resumed under the same run id");
            Assert.That(run.UpsertCount, Is.EqualTo(2), "upserted again to resume");
            ServerView.AssertHistoryExactlyOnce(run, 1800, 4);
            Assert.That(ServerView.Number(run.Summary!, "_step"), Is.EqualTo(1803));
            ServerView.AssertFinished(run);
        });
    }
}
