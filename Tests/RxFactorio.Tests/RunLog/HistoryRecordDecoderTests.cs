using System.Collections.Immutable;
using CsCheck;
using Google.Protobuf;
using RxFactorio.RunLog;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;
using RxFactorio.Tests.Properties;

namespace RxFactorio.Tests.RunLog;

/// <summary>
/// The shipper's fast read of history records gives exactly the rows the generated parser gives
/// (what is sent to W&amp;B must not depend on which read was used), and declines every record it
/// does not fully understand.
/// </summary>
public sealed class HistoryRecordDecoderTests
{
    private static readonly Gen<double> Value = Gen.Frequency(
        (6, Gen.Double),
        (2, Gen.Int[-1000, 100000].Select(i => (double)i)),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, double.MaxValue, 9007199254740993)));

    private static readonly Gen<string> Key = Gen.Frequency(
        (4, Gen.OneOf("production/iron-plate", "consumption/coal", "tick", "events/on_built_entity")),
        (2, Gen.String[Gen.Char['a', 'z'], 1, 30].Select(s => "production/" + s)),
        (1, Gen.String[Gen.Char, 1, 12]));

    private static readonly Gen<HistoryRow> Row =
        Gen.Select(Gen.Long[0, 1L << 40], Gen.Double[0, 1e6], Gen.Long[0, 4_000_000_000_000], Gen.Select(Key, Value).Array[0, 40])
            .Select((step, runtime, millis, values) => new HistoryRow(step, 0, runtime, DateTimeOffset.FromUnixTimeMilliseconds(millis),
                [.. values.DistinctBy(v => v.Item1).Select(v => new KeyValuePair<string, double>(v.Item1, v.Item2))]));

    private static string Describe(HistoryRow row) =>
        $"{row.Step} {row.Tick} {row.Runtime:R} {row.Timestamp.ToUnixTimeMilliseconds()} [{string.Join(", ", row.Values.Select(v => $"{v.Key}={v.Value:R}"))}]";

    [Test]
    public void EveryRowTheEncoderWrites_DecodesAsTheGeneratedParserReadsIt() =>
        PropertyCheck.Run(Gen.Select(Gen.Long[1, 1L << 50], Row), c =>
        {
            var (num, row) = c;
            var bytes = new HistoryRecordEncoder().Encode(num, row).ToArray();
            var parsed = Record.Parser.ParseFrom(bytes);

            Assert.That(new HistoryRecordDecoder().TryDecode(bytes, out var decodedNum, out var decoded), Is.True);
            Assert.That(decodedNum, Is.EqualTo(parsed.Num));
            Assert.That(Describe(decoded), Is.EqualTo(Describe(RunLogReader.ToRow(parsed.History))));
        }, iterations: 300);

    [Test]
    public void TheHistoryLineWrittenFromTheLogsBytes_IsTheLineItsRowWouldGive() =>
        PropertyCheck.Run(Gen.Select(Gen.Long[1, 1L << 50], Row), c =>
        {
            var (num, row) = c;
            var bytes = new HistoryRecordEncoder().Encode(num, row).ToArray();
            var parsed = RunLogReader.ToRow(Record.Parser.ParseFrom(bytes).History);

            var decoder = new HistoryRecordDecoder();
            Assert.That(decoder.TryDecodeLine(bytes, out var decodedNum, out var fields, out var line), Is.True);
            Assert.That(System.Text.Encoding.UTF8.GetString(line), Is.EqualTo(RxFactorio.Wandb.WandbJsonLines.HistoryLine(parsed)));
            Assert.That((decodedNum, fields.Step, fields.Tick, fields.Runtime, fields.Timestamp), Is.EqualTo((num, parsed.Step, parsed.Tick, parsed.Runtime, parsed.Timestamp)));
            Assert.That(decoder.Keys, Is.EqualTo(parsed.Values.Select(v => v.Key)), "the keys of the row's values, in order");
        }, iterations: 300);

    [Test]
    public void OneDecoder_WritesEachLineAfresh()
    {
        var decoder = new HistoryRecordDecoder();
        var wide = new HistoryRow(1, 0, 1, DateTimeOffset.UnixEpoch, [new("production/iron-plate", 1.5), new("consumption/coal", 2)]);
        var narrow = new HistoryRow(2, 0, 2, DateTimeOffset.UnixEpoch, [new("tick", 120)]);

        decoder.TryDecodeLine(new HistoryRecordEncoder().Encode(1, wide).ToArray(), out _, out _, out var firstLine);
        var first = System.Text.Encoding.UTF8.GetString(firstLine);
        decoder.TryDecodeLine(new HistoryRecordEncoder().Encode(2, narrow).ToArray(), out _, out _, out var secondLine);

        Assert.That(first, Is.EqualTo(RxFactorio.Wandb.WandbJsonLines.HistoryLine(wide)));
        Assert.That(System.Text.Encoding.UTF8.GetString(secondLine), Is.EqualTo("""{"_step":2,"_runtime":2,"_timestamp":0,"tick":120}"""));
    }

    [Test]
    public void KeysChanged_SaysWhenARowsKeysDifferFromTheRowBefore()
    {
        var decoder = new HistoryRecordDecoder();
        var encoder = new HistoryRecordEncoder();
        bool Changed(long step, params string[] keys)
        {
            var row = new HistoryRow(step, 0, step, DateTimeOffset.UnixEpoch, [.. keys.Select(k => new KeyValuePair<string, double>(k, step))]);
            Assert.That(decoder.TryDecodeLine(encoder.Encode(step, row).ToArray(), out _, out _, out _), Is.True);
            Assert.That(decoder.Keys, Is.EqualTo(keys));
            return decoder.KeysChanged;
        }

        Assert.Multiple(() =>
        {
            Assert.That(Changed(1, "production/iron-plate", "tick"), Is.True, "the first row");
            Assert.That(Changed(2, "production/iron-plate", "tick"), Is.False, "the same keys");
            Assert.That(Changed(3, "production/iron-plate", "production/copper-plate", "tick"), Is.True, "a new item");
            Assert.That(Changed(4, "production/copper-plate", "production/iron-plate", "tick"), Is.True, "another order");
            Assert.That(decoder.TryDecodeLine([0x08, 0x80], out _, out _, out _), Is.False, "a record the decoder declines");
            Assert.That(Changed(5, "production/copper-plate", "production/iron-plate", "tick"), Is.False, "compared with the last row it read");
            decoder.ForgetKeys();
            Assert.That(Changed(6, "production/copper-plate", "production/iron-plate", "tick"), Is.True, "after ForgetKeys");
        });
    }

    [Test]
    public void RecordsItDoesNotFullyUnderstand_AreLeftToTheParser()
    {
        var decoder = new HistoryRecordDecoder();
        var text = new HistoryRecord { Step = new HistoryStep { Num = 1 } };
        text.Item.Add(new HistoryItem { Key = "phase", ValueJson = "\"warmup\"" });
        var nested = new HistoryRecord();
        nested.Item.Add(new HistoryItem { Key = "a", ValueJson = "1", NestedKey = { "a", "b" } });
        var image = new HistoryRecord();
        image.Item.Add(new HistoryItem { Key = "screenshot", ValueJson = """{"_type":"image-file"}""" });
        Record[] declined =
        [
            new() { Num = 2, History = text },
            new() { Num = 3, History = nested },
            new() { Num = 4, History = image },
            new() { Num = 5, Exit = new RunExitRecord { ExitCode = 0 } },
            new() { Num = 6, Metric = new MetricRecord { Name = "tick" } },
            new() { Header = new HeaderRecord() },
        ];

        Assert.That(declined.Select(r => decoder.TryDecode(r.ToByteArray(), out _, out _)), Has.All.False);
        Assert.That(decoder.TryDecode([0x08, 0x80], out _, out _), Is.False, "a torn varint");
        Assert.That(decoder.TryDecode([0x08, 0x01, 0x12, 0x05, 0x0A], out _, out _), Is.False, "a length past the end");
    }

    [Test]
    public void AStepItem_WinsOverTheRecordsStepNum_AsTheParserReadsIt()
    {
        var history = new HistoryRecord { Step = new HistoryStep { Num = 3 } };
        history.Item.Add(new HistoryItem { Key = "_step", ValueJson = "7" });
        history.Item.Add(new HistoryItem { Key = "coal", ValueJson = "1.5" });
        var bytes = new Record { Num = 9, History = history }.ToByteArray();

        Assert.That(new HistoryRecordDecoder().TryDecode(bytes, out _, out var decoded), Is.True);
        Assert.That(Describe(decoded), Is.EqualTo(Describe(RunLogReader.ToRow(history))));
        Assert.That(decoded.Step, Is.EqualTo(7));
    }
}
