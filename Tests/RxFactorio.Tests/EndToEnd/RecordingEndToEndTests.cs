using RxFactorio.FakeWandb.State;
using RxFactorio.Replay;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>A whole recording, read with <see cref="RecordingReader"/> and replayed at max speed, ends up on the server as its README says.</summary>
public sealed class RecordingEndToEndTests
{
    [Test]
    public async Task TwoSessionsRecording_TwoFinishedRunsOfHundredRowsWithTheirResearchLines()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        var path = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");

        var delivered = await e2e.ReplayAsync(RecordingReader.ReadEvents(path));

        var runs = e2e.Server.State.Runs;
        Assert.That(runs, Has.Count.EqualTo(2));
        var (first, second) = (runs[0], runs[1]);
        Assert.Multiple(() =>
        {
            OriginalScenarioTests.AssertRunIdentity(first, "freeplay_36000", "freeplay", 36000);
            OriginalScenarioTests.AssertRunIdentity(second, "freeplay_48000", "freeplay", 48000);
            ServerView.AssertHistoryExactlyOnce(first, 300, 100);
            ServerView.AssertHistoryExactlyOnce(second, 400, 100);
            ServerView.AssertBookkeeping(first);
            ServerView.AssertBookkeeping(second);
            foreach (var run in runs)
            {
                var rows = run.HistoryRows();
                Assert.That(rows.All(r => r.Any(p => p.Key.StartsWith("production/", StringComparison.Ordinal))
                                       && r.Any(p => p.Key.StartsWith("consumption/", StringComparison.Ordinal))), Is.True,
                    $"{run.DisplayName}: every row has production/ and consumption/ keys");
                Assert.That(ServerView.Number(run.Summary!, "_step"), Is.EqualTo(ServerView.Step(rows[^1])));
                Assert.That(ServerView.Number(run.Summary!, "production/iron-plate"), Is.EqualTo(ServerView.Number(rows[^1], "production/iron-plate")),
                    "summary holds the latest value");
                ServerView.AssertFinished(run);
            }
            Assert.That(Research(first), Is.EqualTo(new[] { "automation-2", "steel-processing", "electronics", "oil-processing" }));
            Assert.That(Research(second), Is.EqualTo(new[] { "plastics", "advanced-circuit" }));
            Assert.That(first.FileLines(FakeFileNames.OutputLog).Select(l => l.Key), Is.EqualTo(new long[] { 0, 1, 2, 3 }), "log offsets from 0");
            Assert.That(second.FileLines(FakeFileNames.OutputLog).Select(l => l.Key), Is.EqualTo(new long[] { 0, 1 }), "log offsets from 0");
            Assert.That(delivered.OfType<FinishRun>().Select(f => f.Reason), Is.EqualTo(new[] { RunEndReason.SessionChanged, RunEndReason.Shutdown }),
                "the first session's run ends once the second has played the grace (60 s of game time)");
            Assert.That(e2e.Counters.RowsSent, Is.EqualTo(200));
            Assert.That(e2e.Counters.RowsDropped, Is.Zero);
        });
    }

    /// <summary>The tech of every output.log line, in order; each line is "&lt;UTC time&gt; [tick N] on_research_finished &lt;force&gt; &lt;level&gt; &lt;tech&gt;".</summary>
    private static IReadOnlyList<string> Research(FakeRun run) =>
        [.. run.Lines(FakeFileNames.OutputLog).Select(line =>
        {
            Assert.That(line, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6} \[tick \d+\] on_research_finished player 1 [a-z0-9-]+$"), line);
            return line.Split(' ')[^1];
        })];
}
