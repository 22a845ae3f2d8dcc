using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The harness's stand-in is built from Factorio 2.0.72's API definition
/// (<c>samples/factorio-mod/test/api/</c>), so what the real game rejects fails the mod's tests:
/// each case runs the harness on a copy of the mod with one deliberate mistake and expects the
/// harness to fail with the game's own complaint (or the rule the mistake breaks).
/// </summary>
[NonParallelizable]
public sealed class ModApiConformanceTests
{
    /// <summary>One broken copy: the text replaced in control.lua, the scenario, and what the harness must say.</summary>
    public sealed record Mistake(string Name, string Find, string Replace, string Scenario, string Expected)
    {
        public override string ToString() => Name;
    }

    private static readonly Mistake[] Mistakes =
    [
        // The multiplayer bug of issue 12: 2.0 sends "runtime-global", never "runtime", so the
        // per-surface switch at tick 8000 never reaches the mod.
        new("the literal \"runtime\" that the game never sends",
            "event.setting_type ~= \"runtime-global\"", "event.setting_type ~= \"runtime\"", "default", "VIOLATION: no per-surface lines"),
        new("a misspelt attribute",
            "force.rockets_launched)", "force.rocket_launched)", "default", "LuaForce doesn't contain key rocket_launched."),
        new("the 1.1 statistics property",
            "force.get_item_production_statistics(surface)", "force.item_production_statistics", "default",
            "LuaForce doesn't contain key item_production_statistics."),
        new("the 1.1 get_flow_count parameter input=",
            "flow_params.category = category", "flow_params.input = category == \"input\"", "default",
            "LuaFlowStatistics::get_flow_count: missing required field 'category'"),
        new("a defines value that does not exist",
            "defines.flow_precision_index.one_minute", "defines.flow_precision_index.one_minutes", "default",
            "defines.flow_precision_index doesn't contain key one_minutes."),
        new("an event that does not exist",
            "\"on_space_platform_mined_entity\",\n}", "\"on_space_platform_mined_entity\",\n  \"on_platform_built_entity\",\n}", "default",
            "defines.events doesn't contain key on_platform_built_entity."),
        new("an unknown take_screenshot parameter",
            "show_gui = false,", "show_gui = false, size = 3,", "space-age", "LuaGameScript::take_screenshot: unknown key 'size'"),
        new("a wrongly typed take_screenshot parameter",
            "zoom = 0.5,", "zoom = \"half\",", "space-age", "LuaGameScript::take_screenshot.zoom: number expected, got string"),
        new("a method called with ':'",
            "player.physical_surface,\n    position", "player:get_main_inventory(),\n    position", "space-age",
            "LuaPlayer::get_main_inventory was called with ':' (use '.')"),
        new("the remote-view position",
            "local position = player.physical_position", "local position = player.position", "default",
            "player is at the remote view"),
        new("the platform's surface name instead of its own name",
            "local label = p.platform.name:gsub", "local label = p.surface.name:gsub", "default",
            "per-surface line named after the platform's surface: platform-3"),
        new("crafts counted per event",
            "count_event(\"on_player_crafted_item\", n)", "count_event(\"on_player_crafted_item\", 1)", "space-age",
            "events/on_player_crafted_item sums to"),
        new("input_counts read twice",
            "if next(item_in) or", "if next(item_stats.input_counts) or", "default", "read 2 times in one sample"),
        new("normal quality only (the string name)",
            "if slot % QUALITY_PROBE_SPREAD == probe_slot then", "if false then", "space-age",
            "per-quality keys iron-plate@normal/@uncommon/@rare missing"),
        new("quality parts that do not add up on the summed line",
            "  finish_quality(total)\n  return total, by_surface", "  return total, by_surface", "space-age", "(summed): iron-plate is"),
        new("a screenshot without a connected player",
            "  if not player then return nil end\n  local path", "  local path", "space-age", "VIOLATION: mod error: "),
        new("pollution read as pollution everywhere",
            "pollutant.name .. \"/\" .. label", "\"pollution/\" .. label", "space-age", "gleba's pollutant is not reported as spores/gleba"),
        new("evolution on every planet",
            "if enemy and has_enemies(surface) then", "if enemy then", "space-age", "evolution on a surface without enemies: evolution/fulgora"),
    ];

    private string _dir = "";

    [OneTimeSetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("rxfactorio-mod-broken-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [TestCaseSource(nameof(Mistakes))]
    public async Task BrokenCopy_FailsTheHarnessWithTheGamesComplaint(Mistake mistake)
    {
        var copy = CopyMod(mistake.Name);
        var control = Path.Combine(copy, "control.lua");
        var text = await File.ReadAllTextAsync(control);
        Assert.That(text, Does.Contain(mistake.Find), "the mistake must apply to today's control.lua");
        await File.WriteAllTextAsync(control, text.Replace(mistake.Find, mistake.Replace));

        var harness = await LuaHarness.RunAsync(mistake.Scenario, Path.Combine(copy, "out.jsonl"), copy);

        Assert.Multiple(() =>
        {
            Assert.That(harness.ExitCode, Is.EqualTo(1), harness.Explain);
            Assert.That(harness.Stderr, Does.Contain(mistake.Expected), harness.Explain);
        });
    }

    [TestCase("default")]
    [TestCase("space-age")]
    public async Task UnchangedCopy_Passes(string scenario)
    {
        var copy = CopyMod("unchanged-" + scenario);

        var harness = await LuaHarness.RunAsync(scenario, Path.Combine(copy, "out.jsonl"), copy);

        Assert.That(harness.ExitCode, Is.EqualTo(0), harness.Explain);
    }

    [Test]
    public void TheVendoredApiNamesItsSourceAndTheStandInReadsNothingElse()
    {
        var api = File.ReadLines(Parse.RepoFile("samples", "factorio-mod", "test", "api", "runtime-api-2.0.72.lua")).Take(3).ToList();
        var harness = File.ReadAllText(Parse.RepoFile("samples", "factorio-mod", "test", "harness.lua"));

        Assert.Multiple(() =>
        {
            Assert.That(api[0], Does.Contain("GENERATED by samples/factorio-mod/test/api/extract.py"));
            Assert.That(string.Join("\n", api), Does.Contain("factorio 2.0.72").And.Contain("Wube Software"));
            Assert.That(harness, Does.Not.Contain("/work/shared").And.Not.Contain("../shared"));
        });
    }

    private string CopyMod(string name)
    {
        var target = Path.Combine(_dir, string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-')));
        Directory.CreateDirectory(target);
        var source = Parse.RepoFile("samples", "factorio-mod", "rxfactorio-telemetry");
        foreach (var file in Directory.GetFiles(source, "*.lua"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
        return target;
    }
}
