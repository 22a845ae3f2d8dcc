using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Replay;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.EndToEnd;

namespace RxFactorio.Tests.Diagnostics;

/// <summary>
/// What a <see cref="MeterListener"/> (the mechanism under dotnet-counters and OpenTelemetry) sees on
/// the <c>RxFactorio</c> meter while a real recording is replayed through the library.
/// </summary>
public sealed class RxFactorioMeterTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-meter-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Replay_CountsLinesRejectedByReasonEventsAndRows()
    {
        var path = Path.Combine(_dir, "game.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            """{"type":"session_init","session_id":"meter_1","tick":120,"level_name":"freeplay"}""",
            """{"type":"stats","session_id":"meter_1","tick":120,"cycle":1,"materials_production":{"iron-plate":1.5}}""",
            """{"type":"stats","session_id":"meter_1","tick":240,"cycle":2,"materials_production":{"iron-plate":2.5}}""",
            "this is not json",
            "",
            """{"type":"stats","session_id":"meter_1","tick":360,"cycle":3,"materials_production":{"iron-plate":3.5}}""",
            """{"type":"teleport","session_id":"meter_1","tick":400}""",
            "{broken",
        ]);
        using var seen = new MeterRecorder(path);
        using var loop = new EventLoopScheduler();

        var commands = await RecordingReader.ReadEvents(path)
            .ReplayAt(ReplaySpeed.Max, loop)
            .ToRunCommands(new RunOptions { BatchWindow = TimeSpan.FromMilliseconds(10) }, loop)
            .ToList()
            .ToTask()
            .WaitAsync(EndToEndHarness.Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(seen.Total("rxfactorio.lines"), Is.EqualTo(7), "every non-blank line framed");
            Assert.That(seen.Total("rxfactorio.rejected", "reason", "InvalidJson"), Is.EqualTo(2));
            Assert.That(seen.Total("rxfactorio.rejected", "reason", "UnknownEventType"), Is.EqualTo(1));
            Assert.That(seen.Total("rxfactorio.rejected"), Is.EqualTo(3));
            Assert.That(seen.Total("rxfactorio.events", "type", "stats"), Is.EqualTo(3));
            Assert.That(seen.Total("rxfactorio.events", "type", "session_init"), Is.EqualTo(1));
            Assert.That(seen.Total("rxfactorio.rows"), Is.EqualTo(3).And.EqualTo(commands.OfType<LogBatch>().Sum(b => b.Rows.Length)),
                "one row per cycle, the rows the run's batches carry");
        });
    }

    [Test]
    public async Task OnlineReplay_RecordsTheDeliveryLagOfEveryBatchWandbAccepted()
    {
        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RxFactorioMeter.Name && instrument.Name == "rxfactorio.delivery.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.Start();
        await using var e2e = await EndToEndHarness.StartAsync();
        const string session = "lag_216000";
        var events = new List<FactorioEvent> { Game.Init(session, 216000) };
        for (long c = 1800; c < 1830; c++)
        {
            events.Add(Game.Stats(session, c, ("iron-plate", 1.5)));
        }

        await e2e.ReplayAsync(events, EndToEndHarness.FastRuns(maxBatchRows: 10));

        Assert.That(e2e.Server.State.Runs.Single().HistoryRows(), Has.Count.EqualTo(30));
        Assert.That(lags, Is.Not.Empty, "a lag for every request that carried rows");
        Assert.That(lags, Has.All.InRange(0, EndToEndHarness.Deadline.TotalSeconds), "seconds from a row's completion to W&B's answer");
    }

    [Test]
    public void Meter_IsNamedRxFactorio() =>
        Assert.That(RxFactorioMeter.Name, Is.EqualTo("RxFactorio"), "dotnet-counters --counters RxFactorio and AddMeter(\"RxFactorio\") name it");

    /// <summary>Sums the measurements of the <c>RxFactorio</c> meter's instruments, for one source only (other tests may run at the same time).</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _seen = new();

        public MeterRecorder(string source)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RxFactorioMeter.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in tags)
                {
                    copy[tag.Key] = tag.Value;
                }
                if (Equals(copy.GetValueOrDefault(RxFactorioMeter.SourceTag), source))
                {
                    _seen.Enqueue((instrument.Name, value, copy));
                }
            });
            _listener.Start();
        }

        public long Total(string instrument, string? tag = null, string? value = null) =>
            _seen.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }
}
