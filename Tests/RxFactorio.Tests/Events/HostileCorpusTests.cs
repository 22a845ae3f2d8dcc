using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Events;

public sealed class HostileCorpusTests
{
    private static string Good(int cycle) =>
        $$$"""{"type":"stats","session_id":"s","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle}}}.5}}""";

    private static byte[] HostileCorpus()
    {
        var random = new Random(1234);
        var garbage = new byte[300];
        random.NextBytes(garbage);
        List<byte[]> parts =
        [
            [0xEF, 0xBB, 0xBF], Encoding.UTF8.GetBytes(Good(1) + "\n"),
            Encoding.UTF8.GetBytes("{\"type\":\"stats\",\"session_id\":\"s\",\"cy\n"),
            Encoding.UTF8.GetBytes(Good(2) + "\r\n"),
            garbage.Select(b => b == (byte)'\n' ? (byte)'x' : b).ToArray(), "\n"u8.ToArray(),
            Encoding.UTF8.GetBytes(Good(3) + "\n"),
            Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 20_000) + "\n"),
            Encoding.UTF8.GetBytes(Good(4) + "\n"),
            Encoding.UTF8.GetBytes("{\"type\":\"stats\",\"session_id\":\"s\",\"cycle\":5,\"tick\":600,\"products_production\":{\"a\":NaN}}\n"),
            Encoding.UTF8.GetBytes(Good(5) + "\n"),
            Encoding.UTF8.GetBytes("{\"type\":\"stats\",\"session_id\":\"" + new string('x', 10 * 1024 * 1024) + "\",\"cycle\":6,\"tick\":1}\n"),
            Encoding.UTF8.GetBytes(Good(6) + "\n"),
            Encoding.UTF8.GetBytes("{\"type\":\"stats\",\"session_id\":[],\"cycle\":\"7\",\"tick\":true}\n"),
            Encoding.UTF8.GetBytes(Good(7) + "\n"),
            [0xFF, 0xFE, 0x7B, 0x7D, (byte)'\n'],
            Encoding.UTF8.GetBytes(Good(8)),
        ];
        return parts.SelectMany(p => p).ToArray();
    }

    [TestCase(997)]
    [TestCase(4096)]
    [TestCase(65536)]
    public void HostileCorpus_EveryGoodLineAroundTheBadOnesArrives(int chunkSize)
    {
        var (events, diagnostics) = Parse.Bytes(HostileCorpus(), chunkSize: chunkSize);

        Assert.That(events.Cast<StatsEvent>().Select(e => e.Cycle), Is.EqualTo(Enumerable.Range(1, 8).Select(i => (long)i)));
        Assert.That(diagnostics.Select(d => (d.LineNumber, d.Reason)), Is.EqualTo(new[]
        {
            (2L, DiagnosticReason.InvalidJson),
            (4L, DiagnosticReason.InvalidUtf8),
            (6L, DiagnosticReason.NestingTooDeep),
            (8L, DiagnosticReason.InvalidJson),
            (10L, DiagnosticReason.LineTooLong),
            (12L, DiagnosticReason.WrongFieldType),
            (14L, DiagnosticReason.InvalidUtf8),
        }), string.Join("\n", diagnostics));
    }
}
