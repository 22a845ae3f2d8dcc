using System.Net;
using System.Net.Sockets;
using System.Text;
using RxFactorio.Cli;
using RxFactorio.Cli.Hosting;
using RxFactorio.RunLog;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary><c>rxfactorio run --source udp://…</c>: the real CLI as a child process receiving real datagrams on 127.0.0.1.</summary>
public sealed class UdpRunCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-udp-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Offline() => new()
    {
        ["WANDB_API_KEY"] = null,
        ["WANDB_MODE"] = null,
        ["WANDB_DIR"] = _dir,
        ["NETRC"] = "/nonexistent/netrc",
    };

    /// <summary>A UDP port free on 127.0.0.1 a moment ago (the system picked it).</summary>
    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Test]
    public async Task Run_UdpBesideATailedFile_WritesTheSessionsRows_AndHealthzListsTheUdpSource()
    {
        var lines = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(41).ToList();
        var stats = lines.Count(l => l.Contains("\"stats\"", StringComparison.Ordinal));
        var udp = $"udp://127.0.0.1:{FreeUdpPort()}";
        var file = Path.Combine(_dir, "other.jsonl");
        var healthUrl = $"http://127.0.0.1:{Prometheus.FreePort()}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var run = CliProcess.Start(
            ["run", "--source", udp, "--source", file, "--mode", "offline", "--batch-window", "200ms", "--health-url", healthUrl], Offline(), _dir);

        string health = "";
        await run.WaitUntilAsync(() => (health = TryGet(http, healthUrl + "/healthz")).Contains($"\"{udp}\"", StringComparison.Ordinal) && health.Contains("\"open\"", StringComparison.Ordinal),
            "/healthz to list the UDP source as open");
        Assert.That(health, Does.Contain($"\"source\":\"{udp}\",\"state\":\"open\""));
        Assert.That(Prometheus.Parse(TryGet(http, healthUrl + "/metrics")).Value($"rxfactorio_source_open{{source=\"{udp}\"}}"), Is.EqualTo(1));

        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var to = new IPEndPoint(IPAddress.Loopback, int.Parse(udp[(udp.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            // One line per datagram without a newline (as the mod sends), then pairs in one datagram.
            for (int i = 0; i < 20; i++)
            {
                sender.SendTo(Encoding.UTF8.GetBytes(lines[i]), to);
            }
            sender.SendTo(Encoding.UTF8.GetBytes("\u0001garbage"), to);
            for (int i = 20; i < lines.Count; i += 2)
            {
                sender.SendTo(Encoding.UTF8.GetBytes(string.Join('\n', lines.Skip(i).Take(2)) + "\n"), to);
            }
        }
        var layout = new OfflineLayout(_dir);
        await run.WaitUntilAsync(() => layout.FindRunFolders() is [var only] && RunLogRows.In(only.LogFile) == stats, "every stats line as a row in the offline run");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var contents = RunLogReader.Read(layout.FindRunFolders().Single().LogFile);
        Assert.That(contents.IsFinished, Is.True);
        Assert.That(contents.History.Select(r => r.Step), Is.EqualTo(Enumerable.Range(1800, stats).Select(i => (long)i)));
        Assert.That(result.Error, Does.Contain($"Listening for datagrams on {udp}"));
        Assert.That(result.Error, Does.Contain($"{udp}:21"), "the garbage datagram is rejected with its source and line number");
    }

    [Test]
    public async Task Run_TwoUdpPorts_EachGamesSessionIsARun_LabelledByItsPortOrItsGivenLabel()
    {
        var (port1, port2) = (FreeUdpPort(), FreeUdpPort());
        while (port2 == port1)
        {
            port2 = FreeUdpPort();
        }
        await using var run = CliProcess.Start(
            ["run", "--source", $"udp://127.0.0.1:{port1}", "--source", $"eu=udp://127.0.0.1:{port2}", "--mode", "offline", "--batch-window", "200ms"], Offline(), _dir);
        await run.WaitUntilAsync(() => run.Error.Contains($":{port1}", StringComparison.Ordinal) && run.Error.Contains($"Listening for datagrams on udp://127.0.0.1:{port2}", StringComparison.Ordinal)
            && run.Error.Contains($"Listening for datagrams on udp://127.0.0.1:{port1}", StringComparison.Ordinal), "both ports to listen");

        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            foreach (var (port, session) in new[] { (port1, "game_a"), (port2, "game_b") })
            {
                var to = new IPEndPoint(IPAddress.Loopback, port);
                sender.SendTo(Encoding.UTF8.GetBytes($$"""{"type":"session_init","session_id":"{{session}}","tick":0,"level_name":"freeplay"}"""), to);
                for (var cycle = 1; cycle <= 3; cycle++)
                {
                    sender.SendTo(Encoding.UTF8.GetBytes($$$"""{"type":"stats","session_id":"{{{session}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"coal":{{{cycle}}}}}"""), to);
                }
            }
        }
        var layout = new OfflineLayout(_dir);
        await run.WaitUntilAsync(() => layout.FindRunFolders() is [var a, var b] && RunLogRows.In(a.LogFile) == 3 && RunLogRows.In(b.LogFile) == 3, "three rows in each game's run");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var runs = layout.FindRunFolders().Select(f => RunLogReader.Read(f.LogFile)).ToDictionary(c => c.ToRunInfo()!.SessionId);
        Assert.That(runs["game_a"].ToRunInfo()!.SourceLabel, Is.EqualTo($"udp-{port1}"));
        Assert.That(runs["game_a"].Attributes.Tags, Is.EqualTo(new[] { $"udp-{port1}" }));
        Assert.That(runs["game_b"].ToRunInfo()!.SourceLabel, Is.EqualTo("eu"));
        Assert.That(runs["game_b"].Attributes.Tags, Is.EqualTo(new[] { "eu" }));
    }

    [TestCase("udp://192.0.2.7:34200", "not a loopback address")]
    [TestCase("udp://127.0.0.1:0", "bad port '0'")]
    [TestCase("udp://127.0.0.1:99999", "bad port '99999'")]
    [TestCase("udp://127.0.0.1", "has no port")]
    public async Task Run_BadUdpSource_ExitsTwoWithOneLine(string source, string reason)
    {
        var result = await InProcess(["run", "--mode", "disabled", "--source", "-", "--source", source]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.StartWith($"rxfactorio run: --source '{source}'").And.Contain(reason));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Run_NonLoopbackUdpSource_IsAcceptedWithTheFlag()
    {
        await using var run = CliProcess.Start(["run", "--source", $"udp://0.0.0.0:{FreeUdpPort()}", "--udp-allow-remote", "--mode", "disabled"], Offline(), _dir);
        await run.WaitUntilAsync(() => run.Error.Contains("Listening for datagrams on udp://0.0.0.0:", StringComparison.Ordinal), "the source to listen");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    [Test]
    public async Task RunHelp_NamesTheUdpSourceAndItsFlag()
    {
        var result = await InProcess(["run", "--help"]);

        Assert.That(result.Output, Does.Contain("udp://127.0.0.1:PORT").And.Contain("--udp-allow-remote"));
    }

    private async Task<CliProcess.Result> InProcess(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var variables = Offline().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        var code = await CliApp.RunAsync(args, new CliEnvironment(output, error, variables, _dir));
        return new CliProcess.Result(code, output.ToString(), error.ToString());
    }

    private static string TryGet(HttpClient http, string url)
    {
        try
        {
            return http.GetStringAsync(url).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "";
        }
    }
}
