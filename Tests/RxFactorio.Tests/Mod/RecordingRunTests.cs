using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>Every file in <c>samples/recordings</c>, through the real pipeline, gives the runs its README describes.</summary>
public sealed class RecordingRunTests
{
    /// <summary>One expected run: session, row count, first and last step, log lines, why it ended.</summary>
    public sealed record ExpectedRun(string Session, int Rows, long FirstStep, long LastStep, int LogLines, RunEndReason Reason)
    {
        public override string ToString() => $"{Session}: {Rows} rows {FirstStep}‥{LastStep}, {LogLines} log lines, {Reason}";
    }

    private static readonly Dictionary<string, ExpectedRun[]> Expected = new()
    {
        ["freeplay.jsonl"] = [new("freeplay_216000", 300, 1800, 2099, 9, RunEndReason.Shutdown)],
        ["two-sessions.jsonl"] =
        [
            new("freeplay_36000", 100, 300, 399, 4, RunEndReason.SessionChanged),
            new("freeplay_48000", 100, 400, 499, 2, RunEndReason.Shutdown),
        ],
        ["original-mod.jsonl"] = [new("freeplay_7200", 60, 60, 119, 82, RunEndReason.Shutdown)],
    };

    private static IEnumerable<string> Recordings => Expected.Keys;

    [Test]
    public void EveryRecordingInTheFolderIsCoveredHere()
    {
        var files = Directory.GetFiles(Parse.RepoFile("samples", "recordings"), "*.jsonl").Select(Path.GetFileName);
        Assert.That(files, Is.EquivalentTo(Expected.Keys), "add the new recording's runs to RecordingRunTests.Expected");
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task Recording_GivesTheRunsItsReadmeDescribes(string file)
    {
        var result = await PipelineReplay.RunAsync(Parse.RepoFile("samples", "recordings", file), file);
        var finishes = result.Commands.OfType<FinishRun>().ToList();
        var actual = result.Runs.Select(run =>
        {
            var rows = result.Sink.RowsOf(run.RunId);
            return new ExpectedRun(
                run.SessionId, rows.Count, rows.FirstOrDefault()?.Step ?? -1, rows.LastOrDefault()?.Step ?? -1,
                result.Sink.LogLinesOf(run.RunId).Count, finishes.Single(f => f.Run.RunId == run.RunId).Reason);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Diagnostics.Total, Is.EqualTo(0), result.DiagnosticReport);
            Assert.That(actual, Is.EqualTo(Expected[file]));
            foreach (var run in result.Runs)
            {
                var steps = result.Sink.RowsOf(run.RunId).Select(r => r.Step).ToList();
                Assert.That(steps, Is.Ordered.Ascending.And.Unique, $"{run.SessionId}: one row per cycle, in order");
                Assert.That(steps[^1] - steps[0] + 1, Is.EqualTo(steps.Count), $"{run.SessionId}: no cycle missing");
            }
            Assert.That(result.Commands[^1], Is.InstanceOf<FinishRun>(), "the last command finishes the last run");
        });
    }

    [Test]
    public async Task OriginalModRecording_KeepsItsEdgeCaseNumbersAndCountsItsEvents()
    {
        var result = await PipelineReplay.RunAsync(Parse.RepoFile("samples", "recordings", "original-mod.jsonl"), "original-mod.jsonl");
        var run = result.Runs.Single();
        var rows = result.Sink.RowsOf(run.RunId).ToDictionary(r => r.Step);

        Assert.Multiple(() =>
        {
            Assert.That(rows[70]["production/iron-plate"], Is.EqualTo(2271.6666666666665));
            Assert.That(rows[80]["consumption/water"], Is.EqualTo(9007199254740992d), "2^53 + 1 rounds to the nearest double");
            Assert.That(rows[90]["production/uranium-ore"], Is.EqualTo(1.6666666666666667E-05));
            Assert.That(rows.Values.Sum(r => r["events/on_built_entity"] ?? 0), Is.EqualTo(59));
            Assert.That(rows.Values.Sum(r => r["events/on_player_crafted_item"] ?? 0), Is.EqualTo(12));
            Assert.That(result.Sink.LogLinesOf(run.RunId).Count(l => l.Contains(" on_research_finished ")), Is.EqualTo(1));
        });
    }
}
