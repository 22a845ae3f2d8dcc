using System.Globalization;
using CsCheck;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Properties;

/// <summary>
/// The run stage in virtual time, for random runs of one session: cycles that repeat, go back,
/// jump, contradict their tick or are absurd; items with valid and invalid values; metrics with
/// random and reserved keys; game events with hostile names. The rows must be exactly what a
/// plain model of the rules says, and every line must be accounted for.
/// </summary>
public sealed class RunStageProperties
{
    private static readonly string[] Items = ["a", "b", "c", "d"];
    private static readonly string[] MetricKeys = ["m1", "m2", "_step", "_runtime", "_wandb", "tick"];
    private static readonly string[] InvalidValues = ["\"x\"", "null", "true", "1e999", "{}"];
    private static readonly string[] EventNames = ["on_built_entity", "x\ny", "\u001b[2J", "a\rb", "\u2028", "\u0085", "tab\there"];

    /// <summary>What one generated line says: the model reads this, the pipeline reads its JSON.</summary>
    private sealed record Spec(int Kind, long Cycle, long Tick, (string Item, double? Value)[] Production, (string Key, double Value)[] Metrics, string EventName)
    {
        public bool IsEvent => Kind == 9;

        public bool Contradicts => !IsEvent && Math.Abs(Cycle - Tick / 120) > 1;

        public string Json => IsEvent
            ? JsonText.Object([("type", "\"event\""), ("event_name", JsonText.Quote(EventName)), ("session_id", "\"s\""), ("tick", Tick.ToString(CultureInfo.InvariantCulture))])
            : JsonText.Object([
                ("type", "\"stats\""), ("session_id", "\"s\""), ("cycle", Cycle.ToString(CultureInfo.InvariantCulture)), ("tick", Tick.ToString(CultureInfo.InvariantCulture)),
                ("products_production", JsonText.Object(Production.Select((p, i) => (p.Item, p.Value is { } v ? JsonText.Number(v) : InvalidValues[i % InvalidValues.Length])))),
                ("metrics", JsonText.Object(Metrics.Select(m => (m.Key, JsonText.Number(m.Value))))),
            ]);
    }

    private static readonly Gen<(string Item, double? Value)> Production =
        Gen.Select(Gen.OneOf(Items), Gen.Frequency((4, Gen.Int[0, 1000].Select(v => (double?)v)), (1, Gen.Const((double?)null))));

    private static readonly Gen<(string, double)> Metric = Gen.Select(Gen.OneOf(MetricKeys), Gen.Int[-5, 5000].Select(v => (double)v));

    /// <summary>(kind, step, tick offset, production, metrics, event name); folded into cycles by <see cref="Specs"/>.</summary>
    private static readonly Gen<(int Kind, int Step, int Offset, (string, double?)[] Production, (string, double)[] Metrics, string EventName)[]> Steps =
        Gen.Select(Gen.Int[0, 9], Gen.Int[1, 3], Gen.Int[0, 119], Production.Array[0, 5], Metric.Array[0, 3], Gen.OneOf(EventNames)).Array[1, 30];

    private static List<Spec> Specs((int Kind, int Step, int Offset, (string, double?)[] Production, (string, double)[] Metrics, string EventName)[] steps)
    {
        // The first line opens the run at cycle 1, so that every case has one run to look at.
        var specs = new List<Spec> { new(2, 1, 120, [("a", 1)], [], "") };
        long cycle = 1;
        foreach (var (kind, step, offset, production, metrics, name) in steps)
        {
            var (lineCycle, tick) = kind switch
            {
                0 or 1 => (cycle, cycle * 120 + offset),                               // the same cycle again: merged
                2 or 3 or 4 => (cycle += step, cycle * 120 + offset),                   // later
                5 => (Math.Max(0, cycle - step), Math.Max(0, cycle - step) * 120),      // earlier: stale
                6 => (step == 1 ? long.MaxValue : 1_000_000_000_000L * step, cycle * 120 + offset), // absurd, against its tick
                7 => (cycle + 1, cycle * 120 + offset),                                 // one ahead of floor(tick/120): tolerated
                8 => (cycle + step + 1, cycle * 120),                                   // two or more ahead: contradicts
                _ => (0, cycle * 120),                                                  // a game event
            };
            if (kind == 7)
            {
                cycle++;
            }
            specs.Add(new Spec(kind, lineCycle, tick, production, metrics, name));
        }
        return specs;
    }

    /// <summary>The rules, written plainly (README "Rows" and "Bad input").</summary>
    private static (List<(long Step, long Tick, Dictionary<string, double> Values)> Rows, List<long> Stale, List<long> Contradicting, int Reserved, int Invalid) Model(List<Spec> specs)
    {
        var rows = new List<(long Step, long Tick, Dictionary<string, double> Values)>();
        var stale = new List<long>();
        var contradicting = new List<long>();
        int reserved = 0, invalid = 0;
        var seen = new HashSet<string>();
        Dictionary<string, double>? values = null;
        HashSet<string>? unknown = null;
        long step = -1, tick = 0;
        void Release()
        {
            if (values is null)
            {
                return;
            }
            foreach (var key in seen.Where(k => !values.ContainsKey(k) && !unknown!.Contains(k)))
            {
                values[key] = 0;
            }
            seen.UnionWith(values.Keys.Where(k => k.StartsWith("production/", StringComparison.Ordinal)));
            values[ReservedKeys.Tick] = tick;
            rows.Add((step, tick, values));
            values = null;
        }
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var line = i + 1L;
            if (spec.IsEvent)
            {
                continue;
            }
            if (spec.Contradicts)
            {
                contradicting.Add(line);
                continue;
            }
            reserved += spec.Metrics.Count(m => ReservedKeys.IsReserved(m.Key));
            invalid += spec.Production.Count(p => p.Value is null);
            if (spec.Cycle < step || (values is null && spec.Cycle == step))
            {
                stale.Add(line);
                continue;
            }
            if (spec.Cycle > step)
            {
                Release();
                values = [];
                unknown = [];
                step = spec.Cycle;
            }
            tick = spec.Tick;
            foreach (var (item, value) in spec.Production)
            {
                if (value is { } v)
                {
                    values![$"production/{item}"] = v;
                }
                else
                {
                    unknown!.Add($"production/{item}");
                }
            }
            foreach (var (key, value) in spec.Metrics.Where(m => !ReservedKeys.IsReserved(m.Key)))
            {
                values![key] = value;
            }
        }
        Release();
        return (rows, stale, contradicting, reserved, invalid);
    }

    [Test]
    public void RunStage_RandomRuns_GiveTheModelsRows_StrictlyIncreasingSteps_NoReservedKey_AndEveryLineAccounted() =>
        PropertyCheck.Run(Steps, steps =>
        {
            var specs = Specs(steps);
            var expected = Model(specs);

            var (sink, diagnostics) = LinesThroughRuns.Run(string.Join("\n", specs.Select(s => s.Json)) + "\n");

            var rows = sink.StartedRuns.SelectMany(r => sink.RowsOf(r.RunId)).ToList();
            Assert.That(sink.StartedRuns, Has.Count.EqualTo(1));
            Assert.That(rows.Select(r => r.Step), Is.Ordered.Ascending.And.Unique, "steps strictly increase");
            Assert.That(rows.SelectMany(r => r.Values).Select(kv => kv.Key).Where(k => k.StartsWith('_')), Is.Empty, "no reserved key from input reaches a row");
            Assert.That(rows.Select(r => (r.Step, r.Tick)), Is.EqualTo(expected.Rows.Select(r => (r.Step, r.Tick))));
            for (var i = 0; i < rows.Count; i++)
            {
                var actual = rows[i].Values.Where(kv => !kv.Key.StartsWith("events/", StringComparison.Ordinal)).ToDictionary();
                Assert.That(actual, Is.EquivalentTo(expected.Rows[i].Values), $"row at step {rows[i].Step}: no value invented, none lost");
                Assert.That(actual.Keys, Is.EqualTo(expected.Rows[i].Values.Keys),
                    $"row at step {rows[i].Step}: keys in the order its lines brought them, then the zero-filled ones in the order the run first had them, then tick (the run log's bytes follow this order)");
            }
            Assert.That(Lines(diagnostics, DiagnosticReason.StaleCycle), Is.EqualTo(expected.Stale));
            Assert.That(Lines(diagnostics, DiagnosticReason.CycleContradictsTick), Is.EqualTo(expected.Contradicting));
            Assert.That(diagnostics.Count(d => d.Reason == DiagnosticReason.ReservedKey), Is.EqualTo(expected.Reserved));
            Assert.That(diagnostics.Count(d => d.Reason == DiagnosticReason.BadMetricValue), Is.EqualTo(expected.Invalid));
            Assert.That(diagnostics.Where(d => d.Reason is not (DiagnosticReason.StaleCycle or DiagnosticReason.CycleContradictsTick or DiagnosticReason.ReservedKey or DiagnosticReason.BadMetricValue)), Is.Empty);

            var log = sink.LogLinesOf(sink.StartedRuns.Single().RunId);
            var batches = sink.Commands.Select(c => c.Command).OfType<LogBatch>().ToList();
            var errorLines = batches.SelectMany(b => b.LogLines.Where((_, i) => b.ErrorLines.Contains(i))).ToList();
            Assert.That(log.Count - errorLines.Count, Is.EqualTo(specs.Count(s => s.IsEvent)), "one game event, one output.log line");
            Assert.That(errorLines, Is.EqualTo(diagnostics.Where(d => d.Reason == DiagnosticReason.StaleCycle).Select(d => d.ToString())),
                "each stale cycle, one error line of the run");
            Assert.That(log.Where(l => !Printable.IsPrintable(l)), Is.Empty, "no raw control character in output.log");
        }, iterations: 250, print: steps => string.Join("\n", Specs(steps).Select(s => s.Json)));

    private static List<long> Lines(List<IngestDiagnostic> diagnostics, DiagnosticReason reason) =>
        [.. diagnostics.Where(d => d.Reason == reason).Select(d => d.LineNumber)];
}
