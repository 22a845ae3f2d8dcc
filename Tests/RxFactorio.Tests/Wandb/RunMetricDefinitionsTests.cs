using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>
/// The config's <c>_wandb.m</c> as wandb-core builds it (core/internal/runmetric): what the W&amp;B UI
/// reads to plot each chart against the step metric.
/// </summary>
public sealed class RunMetricDefinitionsTests
{
    private static HistoryRow Row(params string[] keys) =>
        new(1, 120, 0, DateTimeOffset.UnixEpoch, [.. keys.Select(k => new KeyValuePair<string, double>(k, 1))]);

    private static JsonArray Encoded(RunMetricDefinitions metrics)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            metrics.WriteTo(writer);
        }
        return JsonNode.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan))!.AsArray();
    }

    private static RunMetricDefinitions GameTime()
    {
        var metrics = new RunMetricDefinitions();
        foreach (var record in GameTimeAxis.Definitions)
        {
            metrics.Define(record);
        }
        return metrics;
    }

    [Test]
    public void EveryKeyARowBrings_IsPlottedAgainstTick_ByItsOneBasedIndex()
    {
        var metrics = GameTime();
        Assert.That(metrics.Expand(Row("tick", "production/iron-plate", "consumption/iron-ore", "events/on_built_entity")), Is.True);

        var m = Encoded(metrics);
        Assert.That(m.Select(e => e!["1"]!.GetValue<string>()),
            Is.EqualTo(new[] { "tick", "production/iron-plate", "consumption/iron-ore", "events/on_built_entity" }));
        var tickIndex = 1 + m.Select(e => e!["1"]!.GetValue<string>()).ToList().IndexOf("tick");
        Assert.Multiple(() =>
        {
            Assert.That(m[0]!.AsObject().ContainsKey("5"), Is.False, "tick has no step metric of its own");
            Assert.That(m[0]!["6"]!.ToJsonString(), Is.EqualTo("[3]"), "tick: defined");
            foreach (var entry in m.Skip(1))
            {
                Assert.That(entry!["5"]!.GetValue<int>(), Is.EqualTo(tickIndex), entry.ToJsonString());
                Assert.That(entry["6"]!.ToJsonString(), Is.EqualTo("[1,3]"), "step_sync and defined, as the upserter records an expanded metric");
                Assert.That(entry["7"]!.ToJsonString(), Is.EqualTo("[]"), "no summary settings");
            }
        });
    }

    [Test]
    public void KeysAlreadyDefinedAndW_BsOwnKeys_DefineNothingNew()
    {
        var metrics = GameTime();
        metrics.Expand(Row("production/iron-plate"));

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Expand(Row("production/iron-plate", "tick")), Is.False, "nothing new: no second config upsert");
            Assert.That(metrics.Expand(Row("_runtime", "_timestamp")), Is.False, "keys starting with _ never match a glob");
            Assert.That(metrics.Expand(Row("production/copper-plate")), Is.True, "a new item later in the game");
            Assert.That(metrics.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public void AStepMetricNeverDefined_StillGetsAnEntry_SoTheIndexResolves()
    {
        var metrics = new RunMetricDefinitions();
        metrics.Define(new MetricRecord { GlobName = "x/*", StepMetric = "y", Options = new MetricOptions { StepSync = true } });
        metrics.Expand(Row("x/a", "z"));

        var m = Encoded(metrics);
        Assert.That(m.ToJsonString(), Is.EqualTo("""[{"1":"x/a","5":2,"6":[1,3],"7":[]},{"1":"y","6":[],"7":[]}]"""),
            "runconfigmetrics.go: the step metric is listed after the metric that needs it; z matches no glob");
    }

    [Test]
    public void TheConfig_CarriesCliVersion_Telemetry_AndMetrics_BesideTheRunsOwnKeys()
    {
        var metrics = GameTime();
        metrics.Expand(Row("production/iron-plate"));
        var json = WandbJsonLines.ConfigJson([new("session_id", "s1")], WandbTelemetry.Record("rxfactorio/linux-x64"), metrics);

        var config = JsonNode.Parse(json)!;
        var wandb = config["_wandb"]!["value"]!;
        Assert.Multiple(() =>
        {
            Assert.That(config["session_id"]!["value"]!.GetValue<string>(), Is.EqualTo("s1"));
            Assert.That(wandb["cli_version"]!.GetValue<string>(), Is.EqualTo(WandbTelemetry.CliVersion));
            Assert.That(wandb["t"]!["5"]!.GetValue<string>(), Is.EqualTo(WandbTelemetry.CliVersion), "t is the telemetry record by field number");
            Assert.That(wandb["t"]!["9"]!["1"]!.GetValue<string>(), Is.EqualTo("rxfactorio"));
            Assert.That(wandb["t"]!["9"]!["3"]!.GetValue<string>(), Does.Match(@"^\d+\.\d+\.\d+"));
            Assert.That(wandb["t"]!["13"]!.GetValue<string>(), Is.EqualTo("rxfactorio/linux-x64"));
            Assert.That(wandb["m"]!.AsArray(), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void WithoutTelemetry_TheConfigHasNoWandbKey()
    {
        var json = WandbJsonLines.ConfigJson([new("session_id", "s1")]);
        Assert.That(JsonNode.Parse(json)!.AsObject().ContainsKey("_wandb"), Is.False);
    }
}
