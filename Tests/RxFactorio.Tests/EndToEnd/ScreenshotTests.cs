using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RxFactorio.RunLog;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Screenshots as W&amp;B images, through the real <c>rxfactorio</c>: a recording whose stats lines name PNG
/// files beside it (script-output = the recording's folder), offline into a run folder and online into the fake W&amp;B.
/// </summary>
public sealed class ScreenshotTests() : FakeWandbCliTest("rxf-shots-")
{
    private byte[] _first = [];
    private byte[] _second = [];

    /// <summary>
    /// Cycle 1: a 6×4 PNG; 40: a missing file; 50: a text file; 60: <c>../outside.png</c> (a real PNG beside the
    /// script-output folder); 70: a 5×3 PNG; 71: a PNG 2 s of game time after the last image (rate-limited at 60 s).
    /// </summary>
    private string Recording()
    {
        var game = Path.Combine(Dir, "script-output");
        _first = PngFile.Write(Path.Combine(game, "screenshots", "s", "tick_120.png"), 6, 4, 0x10);
        _second = PngFile.Write(Path.Combine(game, "screenshots", "s", "tick_8400.png"), 5, 3, 0x20);
        PngFile.Write(Path.Combine(game, "screenshots", "s", "tick_8520.png"), 5, 3, 0x30);
        File.WriteAllText(Path.Combine(game, "screenshots", "s", "tick_6000.png"), "not a png, just text pretending to be one");
        PngFile.Write(Path.Combine(Dir, "outside.png"), 9, 9);
        var shots = new (int Cycle, string Path)[]
        {
            (1, "screenshots/s/tick_120.png"), (40, "screenshots/s/tick_4800.png"), (50, "screenshots/s/tick_6000.png"),
            (60, "../outside.png"), (70, "screenshots/s/tick_8400.png"), (71, "screenshots/s/tick_8520.png"),
        };
        var lines = new List<string> { """{"type":"session_init","session_id":"s","level_name":"nauvis","tick":0}""" };
        foreach (var (cycle, shot) in shots)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $$$"""{"type":"stats","session_id":"s","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle}}}},"screenshot_path":"{{{shot}}}"}"""));
        }
        var path = Path.Combine(game, "events.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Name(int step, byte[] png) => $"screenshot_{step}_{Sha256(png)[..20]}.png";

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void AssertImage(JsonNode? image, int step, byte[] png, int width, int height)
    {
        Assert.That(image, Is.Not.Null, $"an image at step {step}");
        Assert.Multiple(() =>
        {
            Assert.That(image!["_type"]!.GetValue<string>(), Is.EqualTo("image-file"));
            Assert.That(image["path"]!.GetValue<string>(), Is.EqualTo("media/images/" + Name(step, png)));
            Assert.That(image["sha256"]!.GetValue<string>(), Is.EqualTo(Sha256(png)));
            Assert.That(image["size"]!.GetValue<long>(), Is.EqualTo(png.Length));
            Assert.That(image["format"]!.GetValue<string>(), Is.EqualTo("png"));
            Assert.That(image["width"]!.GetValue<int>(), Is.EqualTo(width));
            Assert.That(image["height"]!.GetValue<int>(), Is.EqualTo(height));
        });
    }

    private static void AssertWarnings(CliProcess.Result replay)
    {
        Assert.Multiple(() =>
        {
            Assert.That(replay.Error, Does.Contain(":3: line not accepted: ScreenshotUnreadable:").And.Contain("tick_4800.png' does not exist"));
            Assert.That(replay.Error, Does.Contain(":4: line not accepted: ScreenshotNotPng:"));
            Assert.That(replay.Error, Does.Contain(":5: line not accepted: ScreenshotUnsafePath:").And.Contain("'..'"));
            Assert.That(replay.Error, Does.Contain(":7: line not accepted: ScreenshotRateLimited:"));
            Assert.That(replay.Output, Does.Contain("4 value(s) dropped"), "each refused screenshot is counted");
        });
    }

    [Test]
    public async Task AnOfflineReplay_CopiesEachPngIntoTheRunFolder_AndLogsItsImageJson_RefusingTheBadOnes()
    {
        var replay = await CliProcess.RunAsync(["replay", Recording(), "--mode", "offline"], Online());
        Assert.That(replay.ExitCode, Is.Zero, replay.Error);
        AssertWarnings(replay);

        var folder = Directory.GetDirectories(Path.Combine(Dir, "wandb"), "offline-run-*").Single();
        var media = Path.Combine(folder, "files", "media", "images");
        Assert.That(Directory.GetFiles(media).Select(Path.GetFileName), Is.EquivalentTo(new[] { Name(1, _first), Name(70, _second) }));
        Assert.That(File.ReadAllBytes(Path.Combine(media, Name(70, _second))), Is.EqualTo(_second));

        var log = RunLogReader.Read(Directory.GetFiles(folder, "run-*.wandb").Single());
        Assert.That(log.History.Select(r => (r.Step, r["production/iron-plate"])), Is.EqualTo(new[]
        {
            (1L, (double?)1), (40L, 40), (50L, 50), (60L, 60), (70L, 70), (71L, 71),
        }), "every row's numbers arrive, with or without its image");
        string? Image(int step) => log.History.Single(r => r.Step == step).JsonValues.SingleOrDefault(kv => kv.Key == "screenshot").Value;
        AssertImage(JsonNode.Parse(Image(1)!), 1, _first, 6, 4);
        AssertImage(JsonNode.Parse(Image(70)!), 70, _second, 5, 3);
        Assert.That(new[] { 40, 50, 60, 71 }.Select(Image), Is.All.Null);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "files", "wandb-summary.json")));
        AssertImage(summary!["screenshot"], 70, _second, 5, 3);
    }

    [Test]
    public async Task AnOnlineReplay_SendsTheImageJsonInTheHistoryLineAndTheSummary()
    {
        var replay = await CliProcess.RunAsync(["replay", Recording(), "--screenshot-interval", "60s"], Online());
        Assert.That(replay.ExitCode, Is.Zero, replay.Error);
        AssertWarnings(replay);

        var run = Server.State.Runs.Single();
        var rows = run.HistoryRows();
        Assert.That(rows.Select(r => (long)r["_step"]!), Is.EqualTo(new long[] { 1, 40, 50, 60, 70, 71 }));
        Assert.That(rows.Select(r => (double)r["production/iron-plate"]!), Is.EqualTo(new double[] { 1, 40, 50, 60, 70, 71 }));
        AssertImage(rows[0]["screenshot"], 1, _first, 6, 4);
        AssertImage(rows[4]["screenshot"], 70, _second, 5, 3);
        Assert.That(new[] { 1, 2, 3, 5 }.Select(i => rows[i]["screenshot"]), Is.All.Null);
        AssertImage(run.Summary!["screenshot"], 70, _second, 5, 3);
        var folder = Directory.GetDirectories(Path.Combine(Dir, "wandb"), "run-*").Single();
        Assert.That(File.Exists(Path.Combine(folder, "files", "media", "images", Name(70, _second))), "the run folder keeps the PNG");
        AssertUploaded(run);
    }

    [Test]
    public async Task AnOfflineRunSyncedLater_SendsTheSameImageJson()
    {
        var replay = await CliProcess.RunAsync(["replay", Recording(), "--mode", "offline"], Online());
        Assert.That(replay.ExitCode, Is.Zero, replay.Error);

        var sync = await CliProcess.RunAsync(["sync", Path.Combine(Dir, "wandb")], Online());
        Assert.That(sync.ExitCode, Is.Zero, sync.Error + sync.Output);
        var run = Server.State.Runs.Single();
        var rows = run.HistoryRows();
        Assert.That(rows.Select(r => (long)r["_step"]!), Is.EqualTo(new long[] { 1, 40, 50, 60, 70, 71 }));
        AssertImage(rows[0]["screenshot"], 1, _first, 6, 4);
        AssertImage(rows[4]["screenshot"], 70, _second, 5, 3);
        AssertImage(run.Summary!["screenshot"], 70, _second, 5, 3);
        AssertUploaded(run);
    }

    /// <summary>Both PNGs went up as run files under the path their image JSON names, and nothing else under media/.</summary>
    private void AssertUploaded(RxFactorio.FakeWandb.State.FakeRun run)
    {
        Assert.Multiple(() =>
        {
            Assert.That(run.RunFile("media/images/" + Name(1, _first))?.Content, Is.EqualTo(_first));
            Assert.That(run.RunFile("media/images/" + Name(70, _second))?.Content, Is.EqualTo(_second));
            Assert.That(run.RunFiles.Count(f => f.Name.StartsWith("media/", StringComparison.Ordinal)), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ScreenshotIntervalZero_LogsEveryScreenshot()
    {
        var replay = await CliProcess.RunAsync(["replay", Recording(), "--mode", "offline", "--screenshot-interval", "0"], Online());
        Assert.That(replay.ExitCode, Is.Zero, replay.Error);
        Assert.That(replay.Error, Does.Not.Contain("ScreenshotRateLimited"));
        var folder = Directory.GetDirectories(Path.Combine(Dir, "wandb"), "offline-run-*").Single();
        Assert.That(Directory.GetFiles(Path.Combine(folder, "files", "media", "images")), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task AStdinSource_WithoutScriptOutput_WarnsOnce_AndStillLogsTheRows()
    {
        var lines = File.ReadAllText(Recording());
        var run = await CliProcess.RunAsync(["run", "--source", "-", "--mode", "offline"], Online(), standardInput: lines);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.Multiple(() =>
        {
            Assert.That(run.Error.Split('\n').Count(l => l.Contains("ScreenshotWithoutScriptOutput")), Is.EqualTo(1), run.Error);
            Assert.That(run.Error, Does.Contain("--script-output"));
            Assert.That(run.Output, Does.Contain("6 row(s)"));
        });
    }

    [Test]
    public async Task AStdinSource_WithScriptOutput_LogsItsImages()
    {
        var lines = File.ReadAllText(Recording());
        var run = await CliProcess.RunAsync(["run", "--source", "-", "--mode", "offline", "--script-output", Path.Combine(Dir, "script-output")], Online(), standardInput: lines);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var folder = Directory.GetDirectories(Path.Combine(Dir, "wandb"), "offline-run-*").Single();
        Assert.That(Directory.GetFiles(Path.Combine(folder, "files", "media", "images")).Select(Path.GetFileName), Is.EquivalentTo(new[] { Name(1, _first), Name(70, _second) }));
    }
}
