using System.Globalization;
using System.Text.Json.Nodes;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// What the W&amp;B UI reads from a run's config to plot its charts: <c>_wandb</c> with
/// <c>cli_version</c>, telemetry <c>t</c> and the metric definitions <c>m</c> that make <c>tick</c>
/// (game time) every chart's x axis. The real <c>rxfactorio</c> against the fake W&amp;B server.
/// </summary>
public sealed class GameTimeAxisTests() : FakeWandbCliTest("rxf-axis-")
{
    private string Recording(int cycles, int copperFrom)
    {
        var path = Path.Combine(Dir, "game.jsonl");
        var lines = new List<string> { """{"type":"session_init","session_id":"axis","level_name":"nauvis","tick":0}""" };
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var copper = cycle >= copperFrom ? ""","copper-plate":2""" : "";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $$$"""{"type":"stats","session_id":"axis","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":1{{{copper}}}},"materials_consumption":{"iron-ore":2}}"""));
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public async Task AnOnlineReplay_DefinesEveryChartAgainstTick_IncludingAnItemFirstMadeLateInTheGame()
    {
        // --speed 20: 30 cycles over about 3 s, so copper-plate (from cycle 25) arrives in a later batch than the first upsert.
        var replay = await CliProcess.RunAsync(["replay", Recording(30, copperFrom: 25), "--speed", "20"], Online());
        Assert.That(replay.ExitCode, Is.Zero, replay.Error);

        var run = Server.State.Runs.Single();
        var wandb = run.Config["_wandb"]!;
        var m = wandb["m"]!.AsArray();
        var names = m.Select(e => e!["1"]!.GetValue<string>()).ToList();
        var historyKeys = run.HistoryRows().SelectMany(r => r.Select(kv => kv.Key)).Where(k => !k.StartsWith('_')).Distinct().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(wandb["cli_version"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(wandb["t"]!["9"]!["1"]!.GetValue<string>(), Is.EqualTo("rxfactorio"), "the writer's code label");
            Assert.That(names, Is.EquivalentTo(historyKeys), "one definition per key the charts show, the late copper-plate included");
            Assert.That(historyKeys, Does.Contain("production/copper-plate"));
            var tickIndex = names.IndexOf("tick") + 1;
            foreach (var entry in m.Where(e => e!["1"]!.GetValue<string>() != "tick"))
            {
                Assert.That(entry!["5"]?.GetValue<int>(), Is.EqualTo(tickIndex), $"{entry.ToJsonString()} is plotted against tick");
            }
            Assert.That(run.Config["session_id"]!.GetValue<string>(), Is.EqualTo("axis"), "the run's own config is kept beside _wandb");
        });
    }
}
