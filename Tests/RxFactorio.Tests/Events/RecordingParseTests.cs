using RxFactorio.Events;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Events;

public sealed class RecordingParseTests
{
    [TestCase("freeplay.jsonl", 310, 300)]
    [TestCase("two-sessions.jsonl", 208, 200)]
    [TestCase("original-mod.jsonl", 143, 60)]
    public void Recording_EveryLineParsesWithoutDiagnostics(string file, int lines, int stats)
    {
        var (events, diagnostics) = Parse.Bytes(File.ReadAllBytes(Parse.RepoFile("samples", "recordings", file)), file, chunkSize: 64 * 1024);

        Assert.That(diagnostics, Is.Empty, string.Join("\n", diagnostics));
        Assert.That(events, Has.Count.EqualTo(lines));
        Assert.That(events.OfType<StatsEvent>().Count(), Is.EqualTo(stats));
        Assert.That(events.OfType<StatsEvent>().All(s => s.Cycle == s.Tick / 120), Is.True, "cycle = floor(tick / 120)");
    }

    [Test]
    public void OriginalModRecording_KeepsPlayerScreenshotAndEvents()
    {
        var (events, _) = Parse.Bytes(File.ReadAllBytes(Parse.RepoFile("samples", "recordings", "original-mod.jsonl")));

        var stats = events.OfType<StatsEvent>().ToList();
        Assert.That(stats.All(s => s.Player is not null && s.ScreenshotPath is not null), Is.True);
        Assert.That(events.OfType<GameEvent>().Select(e => e.EventName).Distinct(), Is.SupersetOf(new[]
        {
            "on_built_entity", "on_player_mined_entity", "on_research_started", "on_research_finished", "on_player_crafted_item",
        }));
        Assert.That(stats.SelectMany(s => s.Production.Concat(s.Consumption)).Any(m => m.Value > 9007199254740992d - 1), Is.True, "an integer above 2^53");
    }
}
