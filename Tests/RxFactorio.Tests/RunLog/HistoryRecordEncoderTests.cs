using Google.Protobuf;
using RxFactorio.RunLog;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;

namespace RxFactorio.Tests.RunLog;

/// <summary>The direct history encoder writes exactly the bytes of the generated protobuf message, so wandb sync and our reader read them as before.</summary>
public sealed class HistoryRecordEncoderTests
{
    [TestCase(1L, 0.5)]
    [TestCase(300L, 1e20)]
    [TestCase(123456789L, double.NaN)]
    [TestCase(7L, double.NegativeInfinity)]
    public void EncodedRow_IsByteForByteTheGeneratedMessage_AndReadsBackTheSameValues(long num, double value)
    {
        var row = new HistoryRow(216_001, 216_001 * 120, 1234.25, new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero),
            [new("production/iron-plate", value), new("événements/💥", -0.0), new("tick", 216_001 * 120)]);

        var encoded = new HistoryRecordEncoder().Encode(num, row).ToArray();

        var expected = new HistoryRecord { Step = new HistoryStep { Num = row.Step } };
        expected.Item.Add(new HistoryItem { Key = "_step", ValueJson = "216001" });
        expected.Item.Add(new HistoryItem { Key = "_runtime", ValueJson = "1234.25" });
        expected.Item.Add(new HistoryItem { Key = "_timestamp", ValueJson = "1772366400.123" });
        foreach (var (key, v) in row.Values)
        {
            expected.Item.Add(new HistoryItem { Key = key, ValueJson = RunLogJson.Number(v) });
        }
        Assert.That(encoded, Is.EqualTo(new Record { Num = num, History = expected }.ToByteArray()));
        var read = RunLogReader.ToRow(Record.Parser.ParseFrom(encoded).History);
        Assert.That(read.Values.Select(kv => kv.Key), Is.EqualTo(row.Values.Select(kv => kv.Key)));
        Assert.That(read.Values[0].Value, Is.EqualTo(value));
    }

    [Test]
    public void ARowLargerThanTheBuffer_WithAnImage_IsStillByteForByteTheGeneratedMessage()
    {
        var values = Enumerable.Range(0, 3000).Select(i => new KeyValuePair<string, double>($"production/item-{i}", i * 0.1)).ToList();
        var image = "{\"_type\":\"image-file\",\"path\":\"" + new string('p', 300) + "\"}";
        var row = new HistoryRow(5, 600, 10, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), [.. values]) { JsonValues = [new("screenshot", image)] };
        var encoder = new HistoryRecordEncoder();
        encoder.Encode(1, new HistoryRow(4, 480, 8, row.Timestamp, [new("tick", 480)]));

        var encoded = encoder.Encode(200, row).ToArray();

        var expected = new HistoryRecord { Step = new HistoryStep { Num = row.Step } };
        expected.Item.Add(new HistoryItem { Key = "_step", ValueJson = "5" });
        expected.Item.Add(new HistoryItem { Key = "_runtime", ValueJson = "10" });
        expected.Item.Add(new HistoryItem { Key = "_timestamp", ValueJson = "1772366400" });
        foreach (var (key, v) in values)
        {
            expected.Item.Add(new HistoryItem { Key = key, ValueJson = RunLogJson.Number(v) });
        }
        expected.Item.Add(new HistoryItem { Key = "screenshot", ValueJson = image });
        Assert.That(encoded, Is.EqualTo(new Record { Num = 200, History = expected }.ToByteArray()));
    }
}
