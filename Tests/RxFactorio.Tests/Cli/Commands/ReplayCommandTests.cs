using RxFactorio.FakeWandb;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary><c>rxfactorio replay</c> as a real child process against the W&amp;B-protocol test server on 127.0.0.1.</summary>
public sealed class ReplayCommandTests
{
    private FakeWandbServer _server = null!;
    private string _dir = "";

    [SetUp]
    public async Task StartServer()
    {
        _server = await FakeWandbServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("rxf-replay-").FullName;
    }

    [TearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string?> Online(string? key = null) => new()
    {
        ["WANDB_BASE_URL"] = _server.BaseUrl.ToString().TrimEnd('/'),
        ["WANDB_API_KEY"] = key ?? _server.ApiKey,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["NETRC"] = "/nonexistent/netrc",
        // Online runs go through run logs in WANDB_DIR/wandb.
        ["WANDB_DIR"] = _dir,
    };

    [Test]
    public async Task Replay_Online_DeliversEveryRowAndFinishesEveryRun()
    {
        var result = await CliProcess.RunAsync(["replay", Parse.RepoFile("samples", "recordings", "two-sessions.jsonl"), "--tags", "ci,replay"], Online());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var runs = _server.State.Runs.OrderBy(r => r.DisplayName).ToList();
        Assert.That(runs.Select(r => r.DisplayName), Has.Exactly(1).Match(@"^freeplay_36000_\d+$").And.Exactly(1).Match(@"^freeplay_48000_\d+$"));
        Assert.That(runs.Select(r => (r.Entity, r.Project)), Is.All.EqualTo((FakeWandbOptions.DefaultEntityName, "factorio-experiments")));
        Assert.That(runs.Select(r => r.HistoryRows().Select(h => (long)h["_step"]!).ToList()), Is.EqualTo(new[]
        {
            Enumerable.Range(300, 100).Select(i => (long)i).ToList(),
            Enumerable.Range(400, 100).Select(i => (long)i).ToList(),
        }));
        Assert.That(runs.Select(r => (r.Complete, r.ExitCode)), Is.All.EqualTo((true, (int?)0)));
        Assert.That(runs.Select(r => r.Tags), Is.All.EqualTo(new[] { "ci", "replay" }));
        Assert.That(result.Output, Does.Contain("2 run(s), 200 row(s), mode online"));
        Assert.That(result.Output, Does.Contain($"/{FakeWandbOptions.DefaultEntityName}/factorio-experiments/runs/"));
    }

    [Test]
    public async Task Replay_SixSessions_CreatesTheRunsOnWandbInTheOrderTheyStarted()
    {
        // W&B lists runs by creation time: six sessions of one recording must be created in play order,
        // although their shippers run side by side (issue #13 item 6).
        var recording = Path.Combine(_dir, "six-sessions.jsonl");
        var lines = new List<string>();
        for (var session = 0; session < 6; session++)
        {
            var start = 1000 * (session + 1);
            lines.Add($$"""{"type":"session_init","session_id":"game{{session}}_{{start * 120}}","tick":{{start * 120}},"level_name":"freeplay"}""");
            for (var cycle = start; cycle < start + 40; cycle++)
            {
                lines.Add($$$"""{"type":"stats","session_id":"game{{{session}}}_{{{start * 120}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle}}}},"materials_consumption":{}}""");
            }
        }
        await File.WriteAllLinesAsync(recording, lines);

        var result = await CliProcess.RunAsync(["replay", recording], Online());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(_server.State.Runs.Select(r => r.DisplayName?.Split('_')[0]), Is.EqualTo(Enumerable.Range(0, 6).Select(i => $"game{i}")));
        Assert.That(_server.State.Runs.Select(r => r.HistoryRows().Count), Is.All.EqualTo(40));
    }

    [Test]
    public async Task Replay_WrongKey_ExitsTwoAndNeverPrintsTheKey()
    {
        const string wrongKey = "wrong-key-0000000000000000000000000000000000";

        var result = await CliProcess.RunAsync(["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl")], Online(wrongKey));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("rejected the API key").And.Contain(_server.BaseUrl.Authority));
        Assert.That(result.Output + result.Error, Does.Not.Contain(wrongKey));
        Assert.That(_server.State.Runs, Is.Empty);
    }

    [Test]
    public async Task Replay_OnlineWithoutAKey_ExitsTwoSayingHowToProvideOne()
    {
        var environment = Online();
        environment["WANDB_API_KEY"] = null;
        environment["WANDB_MODE"] = "online";

        var result = await CliProcess.RunAsync(["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl")], environment);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("no W&B API key").And.Contain("WANDB_API_KEY"));
    }

    [Test]
    public async Task Replay_ProjectFromFlagOverridesEnvironment()
    {
        var environment = Online();
        environment["WANDB_PROJECT"] = "from-env";

        var result = await CliProcess.RunAsync(["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl"), "--project", "from-flag"], environment);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(_server.State.Runs.Single().Project, Is.EqualTo("from-flag"));
    }

    [TestCase("--speed", "fast")]
    [TestCase("--idle-timeout", "soon")]
    [TestCase("--session-grace", "soon")]
    [TestCase("--max-keys-per-run", "many")]
    [TestCase("--mode", "sideways")]
    public async Task Replay_BadValue_ExitsTwoNamingTheSetting(string flag, string value)
    {
        string[] mode = flag == "--mode" ? [] : ["--mode", "disabled"];

        var result = await CliRunner.RunAsync(["replay", .. mode, flag, value, Parse.RepoFile("samples", "recordings", "freeplay.jsonl")]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(value));
    }

    [TestCase("--max-keys-per-row", "0", "runs:maxKeysPerRow")]
    [TestCase("--session-grace", "-5s", "runs:sessionGrace")]
    public async Task Replay_OutOfRange_ExitsTwoNamingTheSetting(string flag, string value, string setting)
    {
        var result = await CliRunner.RunAsync(["replay", "--mode", "disabled", flag, value, Parse.RepoFile("samples", "recordings", "freeplay.jsonl")]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain($"setting '{setting}'"));
    }

    [Test]
    public async Task Replay_IncludeAndExcludeKeys_FromTheFlags_ChooseTheLoggedKeys()
    {
        var result = await CliProcess.RunAsync(
            ["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl"), "--include-keys", "production/iron-*,consumption/*", "--exclude-keys", "*-ore"],
            Online());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var keys = _server.State.Runs.Single().HistoryRows().SelectMany(r => r.Select(p => p.Key)).Where(k => !k.StartsWith('_') && k != "tick").ToHashSet();
        Assert.That(keys, Is.Not.Empty);
        Assert.That(keys, Has.All.Match("^(production/iron-|consumption/)"));
        Assert.That(keys, Has.None.EndsWith("-ore"));
        Assert.That(keys, Does.Contain("production/iron-plate"));
        Assert.That(keys, Has.Some.StartsWith("consumption/"));
    }

    [Test]
    public async Task Replay_MissingFile_ExitsTwoNamingThePath()
    {
        var result = await CliRunner.RunAsync("replay", "--mode", "disabled", "/no/such/recording.jsonl");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("file not found: /no/such/recording.jsonl"));
    }
}
