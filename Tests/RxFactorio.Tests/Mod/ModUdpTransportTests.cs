using System.Text.Json;
using System.Text;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The mod's UDP transport (harness scenario <c>udp</c>: the default game with transport = udp and
/// a 512-byte datagram limit): one line per datagram, long stats lines split into lines of the same
/// cycle, and the client makes the same runs and rows of them as of the file transport.
/// </summary>
[NonParallelizable]
public sealed class ModUdpTransportTests
{
    private string _dir = "";

    [OneTimeSetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("rxfactorio-mod-udp-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Datagrams_EachOneLineWithinTheLimit_SplitLinesShareTheirCycle()
    {
        var harness = await LuaHarness.RunAsync("udp", Path.Combine(_dir, "udp.datagrams"));
        Assert.That(harness.ExitCode, Is.EqualTo(0), harness.Explain);
        var datagrams = UdpDatagramFile.Read(harness.OutputPath);
        var texts = datagrams.Select(d => Encoding.UTF8.GetString(d)).ToList();
        var summedAt6000 = texts.Where(t => IsSummedStatsAt(t, 6000)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(datagrams, Has.Count.EqualTo(harness["lines"]).And.Count.EqualTo(harness["write_calls"]), "one send_udp per line");
            Assert.That(datagrams.Max(d => d.Length), Is.LessThanOrEqualTo(512));
            Assert.That(texts.All(t => t.EndsWith('\n') && t.IndexOf('\n') == t.Length - 1), Is.True, "exactly one line per datagram");
            Assert.That(summedAt6000, Has.Count.GreaterThan(1), "the summed stats line of tick 6000 does not fit 512 bytes");
            Assert.That(summedAt6000.Count(t => t.Contains("\"player\":")), Is.EqualTo(1), "player only in the first part");
            Assert.That(summedAt6000.All(t => t.Contains("\"cycle\":50,") && t.Contains("\"session_id\":\"freeplay_0\"")), Is.True);
        });
    }

    private static bool IsSummedStatsAt(string line, long tick)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return root.GetProperty("type").GetString() == "stats" && root.GetProperty("tick").GetInt64() == tick && !root.TryGetProperty("surface", out _);
    }

    [Test]
    public async Task Datagrams_GiveTheSameRunsAndRowsAsTheFile()
    {
        var file = await LuaHarness.RunAsync("default", Path.Combine(_dir, "default.jsonl"));
        var udp = await LuaHarness.RunAsync("udp", Path.Combine(_dir, "udp-same.datagrams"));
        Assert.That((file.ExitCode, udp.ExitCode), Is.EqualTo((0, 0)), file.Explain + "\n" + udp.Explain);
        var asLines = Path.Combine(_dir, "udp-same.jsonl");
        await File.WriteAllBytesAsync(asLines, [.. UdpDatagramFile.Read(udp.OutputPath).SelectMany(d => d)]);

        var fromFile = await PipelineReplay.RunAsync(file.OutputPath, "file");
        var fromUdp = await PipelineReplay.RunAsync(asLines, "udp");

        Assert.Multiple(() =>
        {
            Assert.That(fromUdp.Diagnostics.Total, Is.EqualTo(0), fromUdp.DiagnosticReport);
            Assert.That(fromUdp.Runs.Select(r => r.SessionId), Is.EqualTo(fromFile.Runs.Select(r => r.SessionId)));
            foreach (var (a, b) in fromFile.Runs.Zip(fromUdp.Runs))
            {
                var rowsA = fromFile.Sink.RowsOf(a.RunId);
                var rowsB = fromUdp.Sink.RowsOf(b.RunId);
                Assert.That(rowsB.Select(r => r.Step), Is.EqualTo(rowsA.Select(r => r.Step)), a.SessionId);
                Assert.That(rowsB.Select(r => r.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal)),
                    Is.EqualTo(rowsA.Select(r => r.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))), $"{a.SessionId}: the same keys and values in every row");
                Assert.That(fromUdp.Sink.LogLinesOf(b.RunId), Is.EqualTo(fromFile.Sink.LogLinesOf(a.RunId)));
            }
        });
    }
}
