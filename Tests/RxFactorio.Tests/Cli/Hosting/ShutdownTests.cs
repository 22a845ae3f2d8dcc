using System.Text.RegularExpressions;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>
/// SIGTERM against a real <c>rxfactorio replay --speed 1</c> child process and the W&amp;B test
/// server: the first signal drains (flush, finish, exit 0), a second one or the deadline aborts (exit 1).
/// </summary>
public sealed partial class ShutdownTests
{
    private FakeWandbServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await FakeWandbServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private Dictionary<string, string?> Online() => new()
    {
        ["WANDB_BASE_URL"] = _server.BaseUrl.ToString().TrimEnd('/'),
        ["WANDB_API_KEY"] = _server.ApiKey,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["NETRC"] = "/nonexistent/netrc",
    };

    private static readonly string Recording = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");

    [Test]
    public async Task Sigterm_FlushesEveryBatchAndFinishesEveryRun_ExitsZero()
    {
        await using var replay = CliProcess.Start(["replay", "--speed", "1", Recording], Online());
        await replay.WaitUntilAsync(() => _server.State.Runs.Count > 0, "the first run on the server");

        await replay.SignalAsync("TERM");
        var result = await replay.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var logged = RunRows().Matches(result.Output).ToDictionary(m => m.Groups["id"].Value, m => int.Parse(m.Groups["rows"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(logged, Is.Not.Empty, result.Output);
        Assert.That(logged.Values.Sum(), Is.GreaterThan(0), "the replay had sent rows when stopped");
        Assert.That(_server.State.Runs.Select(r => (r.Name, r.Complete, r.ExitCode, r.HistoryRows().Count)),
            Is.EquivalentTo(logged.Select(kv => (kv.Key, true, (int?)0, kv.Value))), "every run finished with every row the client logged");
        Assert.That(result.Error, Does.Contain("SIGTERM: stopping"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(_server.ApiKey));
    }

    [Test]
    public async Task SecondSigterm_StopsAtOnce_ExitsOneSayingRunsAreUnfinished()
    {
        var delayed = 0;
        _server.Faults.DelayStarted += _ => Interlocked.Increment(ref delayed);
        await using var replay = CliProcess.Start(["replay", "--speed", "1", Recording], Online());
        await replay.WaitUntilAsync(() => _server.State.Runs.Count > 0, "the first run on the server");
        _server.Faults.DelayNext(FaultScope.Any, TimeSpan.FromSeconds(60), count: 1000);

        await replay.SignalAsync("TERM");
        await replay.WaitUntilAsync(() => Volatile.Read(ref delayed) > 0, "a request held up by the server during the drain");
        await replay.SignalAsync("TERM");
        var result = await replay.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain("stopped at once (second SIGTERM)").And.Contain("run(s) left unfinished"));
        // NOTE: online rows go to the run log first, so nothing is lost: what W&B did not get waits there.
        Assert.That(result.Output, Does.Contain("not yet delivered").And.Contain("rxfactorio sync"));
        Assert.That(_server.State.Runs.Select(r => r.Complete), Is.All.False);
        Assert.That(result.Output + result.Error, Does.Not.Contain(_server.ApiKey));
    }

    [Test]
    public async Task ShutdownTimeoutPasses_StopsAndExitsOne()
    {
        var delayed = 0;
        _server.Faults.DelayStarted += _ => Interlocked.Increment(ref delayed);
        await using var replay = CliProcess.Start(["replay", "--speed", "1", "--shutdown-timeout", "1s", Recording], Online());
        await replay.WaitUntilAsync(() => _server.State.Runs.Count > 0, "the first run on the server");
        _server.Faults.DelayNext(FaultScope.Any, TimeSpan.FromSeconds(60), count: 1000);

        await replay.SignalAsync("INT");
        var result = await replay.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain("the shutdown timeout (1s) passed").And.Contain("left unfinished"), result.Output);
        Assert.That(result.Output + result.Error, Does.Not.Contain(_server.ApiKey));
    }

    [GeneratedRegex(@"id (?<id>\S+)  rows (?<rows>\d+)")]
    private static partial Regex RunRows();
}
