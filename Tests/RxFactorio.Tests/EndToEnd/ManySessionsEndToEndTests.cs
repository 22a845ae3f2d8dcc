using System.Text;
using RxFactorio.RunLog;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Many games at once through the real <c>rxfactorio replay --mode offline</c> (a child process):
/// interleaved sessions of one recording are one run each, and a line with a huge number of keys
/// leaves a bounded run log and a warning that names the limit.
/// </summary>
public sealed class ManySessionsEndToEndTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-many-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Offline() => new()
    {
        ["WANDB_API_KEY"] = null, ["WANDB_MODE"] = "offline", ["WANDB_DIR"] = _dir, ["NETRC"] = "/nonexistent/netrc",
    };

    private static string Stats(string session, int cycle, string items) =>
        $$$"""{"type":"stats","session_id":"{{{session}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{{{{items}}}}}""";

    private string[] RunLogs() =>
        [.. Directory.GetDirectories(Path.Combine(_dir, "wandb"), "offline-run-*").Select(d => Directory.GetFiles(d, "*.wandb").Single())];

    [Test]
    public async Task EightInterleavedSessionsOfOneRecording_AreEightRuns_WithEveryRow()
    {
        var recording = Path.Combine(_dir, "interleaved.jsonl");
        var text = new StringBuilder();
        for (var cycle = 1; cycle <= 300; cycle++)
        {
            for (var s = 0; s < 8; s++)
            {
                text.Append(Stats($"game{s}", cycle, $"\"iron-plate\":{cycle + s}")).Append('\n');
            }
        }
        await File.WriteAllTextAsync(recording, text.ToString());

        var result = await CliProcess.RunAsync(["replay", "--speed", "max", recording], Offline());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("8 run(s), 2400 row(s)"));
        var logs = RunLogs().Select(RunLogReader.Read).ToList();
        Assert.That(logs.Select(l => l.ToRunInfo()!.SessionId), Is.EquivalentTo(Enumerable.Range(0, 8).Select(s => $"game{s}")));
        Assert.That(logs.Select(l => l.History.Select(r => r.Step)), Is.All.EqualTo(Enumerable.Range(1, 300).Select(c => (long)c)));
    }

    [Test]
    public async Task ALineWithTwoHundredThousandKeys_LeavesABoundedRunLog_AndAWarningNamingTheLimit()
    {
        var recording = Path.Combine(_dir, "wide.jsonl");
        var text = new StringBuilder();
        text.Append(Stats("wide", 1, string.Join(',', Enumerable.Range(0, 200_000).Select(i => $"\"item-{i:D6}\":{i}")))).Append('\n');
        for (var cycle = 2; cycle <= 51; cycle++)
        {
            text.Append(Stats("wide", cycle, $"\"iron-plate\":{cycle}")).Append('\n');
        }
        await File.WriteAllTextAsync(recording, text.ToString());

        var result = await CliProcess.RunAsync(["replay", "--speed", "max", recording], Offline());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output + result.Error, Does.Contain("runs:maxKeysPerRow = 5000: 195001 key(s) dropped"));
        var log = RunLogs().Single();
        var rows = RunLogReader.Read(log).History;
        Assert.That(rows, Has.Count.EqualTo(51));
        Assert.That(rows.Select(r => r.Values.Count(v => !v.Key.StartsWith('_'))), Is.All.LessThanOrEqualTo(5000), "runs:maxKeysPerRow, tick included");
        // 51 rows of at most 5000 keys of ~30 bytes: a few MB. Without the limit, zero-fill made it 620 MB.
        var bytes = Directory.GetFiles(Path.GetDirectoryName(log)!, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.That(bytes, Is.LessThan(20_000_000));
    }
}
