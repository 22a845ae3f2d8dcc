using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>#11.5, through the real host: hostile names never break a line of output.log or of the console log.</summary>
public sealed class LogInjectionTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-inject-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Replay_HostileEventAndItemNames_StayOneLineEach_InOutputLogAndOnTheConsole()
    {
        var name = string.Concat(Enumerable.Repeat("x\\n", 1000)) + "\\u001b[2J\\r\\u2028";
        var recording = Path.Combine(_dir, "hostile.jsonl");
        await File.WriteAllTextAsync(recording, string.Join("\n",
            $$"""{"type":"event","session_id":"s","tick":10,"event_name":"{{name}}","item":"a\nb"}""",
            """{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"evil\n\u001b[31mname":"not a number"}}""",
            """{"type":"event","session_id":"s","tick":130,"event_name":"on_built_entity"}""",
            """{"type":"stats","session_id":"s","cycle":2,"tick":240,"products_production":{"coal":1}}""") + "\n");

        var result = await CliProcess.RunAsync(["replay", recording], new Dictionary<string, string?>
        {
            ["WANDB_API_KEY"] = null, ["WANDB_MODE"] = "offline", ["WANDB_DIR"] = _dir, ["NETRC"] = "/nonexistent/netrc",
        });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        var run = Directory.GetDirectories(Path.Combine(_dir, "wandb"), "offline-run-*").Single();
        var outputLog = Path.Combine(run, "files", "output.log");
        var lines = await File.ReadAllLinesAsync(outputLog);
        Assert.That(lines, Has.Length.EqualTo(2), "two events, two lines");
        Assert.That(lines[0], Does.StartWith("[tick 10] x\\nx\\n").And.EndWith("\\u001B[2J\\r\\u2028 a\\nb"));
        Assert.That(lines[1], Is.EqualTo("[tick 130] on_built_entity"));
        var console = result.Output + result.Error;
        Assert.That(console, Does.Not.Contain("\u001b").And.Not.Contain("\u2028"));
        Assert.That(result.Error.Split('\n').Where(l => l.Contains("BadMetricValue", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1).And.One.Contains("evil\\n\\u001B[31mname"), result.Error);
    }
}
