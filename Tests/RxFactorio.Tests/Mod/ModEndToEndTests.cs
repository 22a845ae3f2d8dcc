using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The mod's output, as the harness records it, fed to the real <c>rxfactorio run</c> (child
/// process) talking to the fake W&amp;B server on 127.0.0.1: the path a user runs.
/// </summary>
[NonParallelizable]
public sealed class ModEndToEndTests
{
    private FakeWandbServer _server = null!;
    private string _dir = "";

    [SetUp]
    public async Task SetUp()
    {
        _server = await FakeWandbServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("rxf-mod-e2e-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string?> Online() => new()
    {
        ["WANDB_BASE_URL"] = _server.BaseUrl.ToString().TrimEnd('/'),
        ["WANDB_API_KEY"] = _server.ApiKey,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["WANDB_DIR"] = _dir,
        ["NETRC"] = "/nonexistent/netrc",
    };

    [Test]
    public async Task FileTransport_TailedFileWrittenWhileTheClientRuns_TwoFinishedRunsWithTheModsRows()
    {
        var harness = await LuaHarness.RunAsync("default", Path.Combine(_dir, "harness.jsonl"));
        Assert.That(harness.ExitCode, Is.EqualTo(0), harness.Explain);
        var lines = await File.ReadAllLinesAsync(harness.OutputPath);
        var source = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllTextAsync(source, "");

        await using var run = CliProcess.Start(["run", "--source", source, "--batch-window", "100ms"], Online(), _dir);
        // The game appends while the client tails: three appends (the first session, then the rest in two).
        foreach (var chunk in new[] { lines[..60], lines[60..110], lines[110..] })
        {
            await File.AppendAllLinesAsync(source, chunk);
        }
        await run.WaitUntilAsync(
            () => _server.State.Runs.Count == 2 && _server.State.Runs.Any(r => r.Complete) && _server.State.Runs.Sum(r => r.HistoryRows().Count) >= 100,
            "the first run finished and 49 rows of the second sent");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        AssertTheDefaultGame(result, _server.State.Runs);
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
