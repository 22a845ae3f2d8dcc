using RxFactorio.Events;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The harness's <c>space-age</c> scenario (quality, gleba and fulgora, a platform replaced on the
/// same surface index, event lines and screenshots on) read back through the real pipeline.
/// </summary>
[NonParallelizable]
public sealed class ModSpaceAgeTests
{
    private string _dir = "";
    private HarnessRun _harness = null!;
    private PipelineResult _pipeline = null!;
    private IReadOnlyList<RxFactorio.Runs.HistoryRow> _rows = null!;

    [OneTimeSetUp]
    public async Task RunSpaceAgeScenario()
    {
        _dir = Directory.CreateTempSubdirectory("rxfactorio-mod-space-age-").FullName;
        _harness = await LuaHarness.RunAsync("space-age", Path.Combine(_dir, "space-age.jsonl"));
        Assert.That(_harness.ExitCode, Is.EqualTo(0), _harness.Explain);
        _pipeline = await PipelineReplay.RunAsync(_harness.OutputPath, "space-age");
        _rows = _pipeline.Sink.RowsOf(_pipeline.Runs.Single().RunId);
    }

    [OneTimeTearDown]
    public void DeleteOutput() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void EveryLineParses_OneRunOf51Rows()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_pipeline.Diagnostics.Total, Is.EqualTo(0), _pipeline.DiagnosticReport);
            Assert.That(_rows.Select(r => r.Step), Is.EqualTo(Enumerable.Range(0, 51).Select(i => (long)i)));
        });
    }

    [Test]
    public void Quality_TheSummedKeyIsTheSumOfItsPerQualityKeys_AndShowsWithinEightSamples()
    {
        var withQuality = _rows.Where(r => r["production/iron-plate@uncommon"] > 0).ToList();

        Assert.Multiple(() =>
        {
            // uncommon and rare plates from tick 1200 (step 10); probed within QUALITY_PROBE_SPREAD = 8 samples
            Assert.That(withQuality.First().Step, Is.InRange(10, 18));
            Assert.That(withQuality.Select(r => r.Step), Is.EqualTo(Enumerable.Range((int)withQuality.First().Step, (int)(51 - withQuality.First().Step)).Select(i => (long)i)),
                "once found, read every sample");
            foreach (var row in withQuality)
            {
                var parts = row["production/iron-plate@normal"]!.Value + row["production/iron-plate@uncommon"]!.Value + row["production/iron-plate@rare"]!.Value;
                Assert.That(row["production/iron-plate"], Is.EqualTo(parts).Within(1e-9), $"step {row.Step}");
                Assert.That((row["production/iron-plate@uncommon"], row["production/iron-plate@rare"]), Is.EqualTo(((double?)12, (double?)1.5)), $"step {row.Step}");
            }
            Assert.That(_rows.SelectMany(r => r.Values).Where(kv => kv.Key.StartsWith("production/copper-plate@")), Is.Empty,
                "no per-quality keys for an item made in normal quality only");
            Assert.That(_rows[^1]["consumption/iron-gear-wheel@rare"], Is.EqualTo(0.75), "consumption is read per quality too");
        });
    }

    [Test]
    public void Planets_SporesOnGleba_NoEvolutionWithoutEnemies()
    {
        var keys = _rows.SelectMany(r => r.Values).Select(kv => kv.Key).ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.SupersetOf(new[] { "spores/gleba", "pollution/nauvis", "pollution/fulgora", "evolution/nauvis", "evolution/gleba", "evolution/vulcanus" }));
            Assert.That(keys, Has.None.EqualTo("pollution/gleba").And.None.EqualTo("evolution/fulgora"));
            Assert.That(keys.Where(k => k.StartsWith("evolution/") || k.StartsWith("pollution/") || k.StartsWith("spores/")).Where(k => k.Contains("Asteroid") || k.Contains("Shuttle")), Is.Empty);
        });
    }

    [Test]
    public void Platforms_KeysFollowThePlatformsName_WhenTheSurfaceIndexIsReused()
    {
        var miner = _rows.Where(r => r["production/Asteroid miner/metallic-asteroid-chunk"] > 0).Select(r => r.Step).ToList();
        var shuttle = _rows.Where(r => r["production/Shuttle/carbonic-asteroid-chunk"] > 0).Select(r => r.Step).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(miner, Is.EqualTo(Enumerable.Range(0, 25).Select(i => (long)i)), "Asteroid miner until it is deleted at tick 3000");
            Assert.That(shuttle, Is.EqualTo(Enumerable.Range(26, 25).Select(i => (long)i)), "Shuttle on the same surface platform-3 afterwards");
            Assert.That(_rows[0]["platform/Asteroid miner/speed"], Is.EqualTo(0.0625));
            Assert.That(_rows[0]["platform/Asteroid miner/weight"], Is.EqualTo(1_250_000));
            Assert.That(_rows[0]["platform/Asteroid miner/state"], Is.Not.Null);
            Assert.That(_rows[^1]["platform/Shuttle/speed"], Is.EqualTo(0.0625));
            Assert.That(_rows.SelectMany(r => r.Values).Where(kv => kv.Key.Contains("platform-3")), Is.Empty);
            Assert.That(_rows.Sum(r => r["events/on_space_platform_built_entity"] ?? 0), Is.EqualTo(31), "one every 200 ticks, 0‥6000");
            Assert.That(_rows.Sum(r => r["events/on_space_platform_mined_entity"] ?? 0), Is.EqualTo(13), "one every 500 ticks, 0‥6000");
        });
    }

    [Test]
    public void EventLines_TheOriginalModsFields_CraftsCountedPerItem()
    {
        var events = _pipeline.Events.OfType<GameEvent>().ToList();
        var logLines = _pipeline.Sink.LogLinesOf(_pipeline.Runs.Single().RunId);

        Assert.Multiple(() =>
        {
            Assert.That(events.Count(e => e.EventName == "on_built_entity"), Is.EqualTo(62), "every 97 ticks, 0‥5917");
            Assert.That(events.Count(e => e.EventName == "on_player_mined_entity"), Is.EqualTo(24));
            Assert.That(events.Count(e => e.EventName == "on_player_crafted_item"), Is.EqualTo(34));
            Assert.That(logLines, Does.Contain("[tick 97] on_built_entity transport-belt 1 {\"x\":3.5,\"y\":7.5} nauvis"), "entity, player_index, position, surface");
            Assert.That(logLines, Does.Contain("[tick 180] on_player_crafted_item 2 iron-gear-wheel 1"), "count, item, player_index");
            // 34 crafting events of 2 gears each (ticks 0‥5940): the client counts the 34 lines and adds the
            // mod's events/on_player_crafted_item, which therefore carries only the items beyond one per line
            Assert.That(_rows.Sum(r => r["events/on_player_crafted_item"] ?? 0), Is.EqualTo(68), "counted per item, not per event");
            Assert.That(_rows.Sum(r => r["events/on_built_entity"] ?? 0), Is.EqualTo(62), "each build once: its line, not line + counter");
        });
    }

    [Test]
    public void Screenshots_EveryTenthSample_PathRelativeToScriptOutput()
    {
        var paths = _pipeline.Events.OfType<StatsEvent>().Where(s => s.ScreenshotPath is not null).Select(s => (s.Tick, s.ScreenshotPath));

        // every 10th sample; none at tick 4800, when no player is connected (ticks 4000‥4999)
        Assert.That(paths, Is.EqualTo(new[] { 0L, 1200, 2400, 3600, 6000 }.Select(t => (t, (string?)$"screenshots/freeplay_0/tick_{t}.png"))));
    }
}
