using System.Net;
using System.Net.Sockets;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The mod's output, as the harness records it, fed to the real <c>rxfactorio run</c> (child
/// process) talking to the fake W&amp;B server on 127.0.0.1: the path a user runs. Both
/// transports carry the same game, so both must give the same two runs.
/// </summary>
[NonParallelizable]
public sealed class ModEndToEndTests() : FakeWandbCliTest("rxf-mod-e2e-")
{
    [Test]
    public async Task FileTransport_TailedFileWrittenWhileTheClientRuns_TwoFinishedRunsWithTheModsRows()
    {
        var harness = await LuaHarness.RunAsync("default", Path.Combine(Dir, "harness.jsonl"));
        Assert.That(harness.ExitCode, Is.EqualTo(0), harness.Explain);
        var lines = await File.ReadAllLinesAsync(harness.OutputPath);
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllTextAsync(source, "");

        // NOTE: the first session's run finishes once it has been quiet for the session grace (1 s here) while the second plays.
        await using var run = CliProcess.Start(["run", "--source", source, "--batch-window", "100ms", "--session-grace", "1s"], Online(), Dir);
        // The game appends while the client tails: three appends (the first session, then the rest in two).
        foreach (var chunk in new[] { lines[..60], lines[60..110], lines[110..] })
        {
            await File.AppendAllLinesAsync(source, chunk);
        }
        await run.WaitUntilAsync(
            () => Server.State.Runs.Count == 2 && Server.State.Runs.Any(r => r.Complete) && Server.State.Runs.Sum(r => r.HistoryRows().Count) >= 100,
            "the first run finished and 49 rows of the second sent");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        AssertTheDefaultGame(result, Server.State.Runs);
    }

    [Test]
    public async Task UdpTransport_DatagramsToTheUdpSource_TheSameRunsAndRowsAsTheFile()
    {
        var harness = await LuaHarness.RunAsync("udp", Path.Combine(Dir, "harness.datagrams"));
        Assert.That(harness.ExitCode, Is.EqualTo(0), harness.Explain);
        var datagrams = UdpDatagramFile.Read(harness.OutputPath);
        var port = FreeUdpPort();
        var source = $"udp://127.0.0.1:{port}";
        var healthUrl = $"http://127.0.0.1:{Prometheus.FreePort()}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        await using var run = CliProcess.Start(["run", "--source", source, "--batch-window", "100ms", "--session-grace", "1s", "--health-url", healthUrl], Online(), Dir);
        await run.WaitUntilAsync(() => run.Error.Contains($"Listening for datagrams on {source}", StringComparison.Ordinal), "the UDP source to listen");
        using (var game = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var to = new IPEndPoint(IPAddress.Loopback, port);
            // NOTE: like the game, the sender does not wait for anyone; it only sends the next burst of
            // about 50 once the client has parsed the last ones, so that a burst cannot overrun the socket's
            // receive buffer. A burst never splits one tick's datagrams (the parts of a split stats line go
            // out in the same tick in the game): a pause inside a cycle would let its row complete early.
            var sent = 0;
            foreach (var burst in BurstsOfWholeTicks(datagrams, 50))
            {
                foreach (var datagram in burst)
                {
                    game.SendTo(datagram, to);
                }
                sent += burst.Count;
                var expected = sent;
                await run.WaitUntilAsync(() => Events(http, healthUrl) >= expected, $"the client to parse {expected} lines");
            }
        }
        await run.WaitUntilAsync(
            () => Server.State.Runs.Count == 2 && Server.State.Runs.Any(r => r.Complete) && Server.State.Runs.Sum(r => r.HistoryRows().Count) >= 100,
            "the first run finished and 49 rows of the second sent");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        AssertTheDefaultGame(result, Server.State.Runs);
        Assert.That(result.Error, Does.Not.Contain("line not accepted"));
    }

    private static double Events(HttpClient http, string healthUrl)
    {
        try
        {
            return Prometheus.Parse(http.GetStringAsync(healthUrl + "/metrics").GetAwaiter().GetResult()).Sum("rxfactorio_events_total");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>The datagrams in order, cut into bursts of at least <paramref name="size"/> (the last may be smaller) that end between ticks.</summary>
    private static IEnumerable<List<byte[]>> BurstsOfWholeTicks(IReadOnlyList<byte[]> datagrams, int size)
    {
        var burst = new List<byte[]>();
        for (var i = 0; i < datagrams.Count; i++)
        {
            burst.Add(datagrams[i]);
            if (burst.Count >= size && (i + 1 == datagrams.Count || Tick(datagrams[i + 1]) != Tick(datagrams[i])))
            {
                yield return burst;
                burst = [];
            }
        }
        if (burst.Count > 0)
        {
            yield return burst;
        }
    }

    private static long? Tick(byte[] datagram)
    {
        using var line = System.Text.Json.JsonDocument.Parse(datagram);
        return line.RootElement.TryGetProperty("tick", out var tick) ? tick.GetInt64() : null;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>What the harness's default game gives on the server, whichever transport carried it.</summary>
    private static void AssertTheDefaultGame(CliProcess.Result result, IReadOnlyList<FakeRun> runs)
    {
        var byName = runs.OrderBy(r => r.DisplayName, StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(byName.Select(r => r.DisplayName), Has.Exactly(1).Match(@"^freeplay_0_\d+$").And.Exactly(1).Match(@"^freeplay_6120_\d+$"));
            foreach (var r in byName)
            {
                ServerView.AssertFinished(r);
            }
            var first = byName.Single(r => r.DisplayName!.StartsWith("freeplay_0_"));
            var second = byName.Single(r => r.DisplayName!.StartsWith("freeplay_6120_"));
            ServerView.AssertHistoryExactlyOnce(first, 0, 51);
            ServerView.AssertHistoryExactlyOnce(second, 51, 50);
            var step75 = second.HistoryRows().Single(row => ServerView.Step(row) == 75);
            Assert.That((ServerView.Number(step75, "production/iron-ore"), ServerView.Number(step75, "production/nauvis/iron-ore"),
                ServerView.Number(step75, "production/Asteroid miner/iron-ore")), Is.EqualTo((417.5, 337.5, 80.0)));
            Assert.That(ServerView.Number(step75, "platform/Asteroid miner/weight"), Is.EqualTo(1_250_000));
            var step34 = first.HistoryRows().Single(row => ServerView.Step(row) == 34);
            Assert.That(ServerView.Number(step34, "events/on_robot_built_entity"), Is.EqualTo(10_000));
            Assert.That(first.Lines(FakeFileNames.OutputLog), Has.Count.EqualTo(5), "five research lines in the first session");
            Assert.That(second.Lines(FakeFileNames.OutputLog), Has.Some.Contains("on_rocket_launched"));
            Assert.That(first.HistoryRows().SelectMany(row => row).Select(kv => kv.Key), Has.None.Contains("platform-3"));
        });
    }
}
