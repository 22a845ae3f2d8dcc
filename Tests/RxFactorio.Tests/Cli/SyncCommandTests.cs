using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli;

/// <summary>Offline runs on disk, then <c>rxfactorio sync</c>, as real child processes against the test server.</summary>
public sealed class SyncCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-sync-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Environment(FakeWandbServer? server) => new()
    {
        ["WANDB_BASE_URL"] = server?.BaseUrl.ToString().TrimEnd('/'),
        ["WANDB_API_KEY"] = server?.ApiKey,
        ["WANDB_DIR"] = _dir,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["NETRC"] = "/nonexistent/netrc",
    };

    private static readonly string Recording = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");

    /// <summary>A run as the server holds it, without what differs between any two uploads (ids, random names, wall-clock times).</summary>
    private static string Comparable(FakeRun run)
    {
        var history = run.HistoryRows().Select(row =>
        {
            var copy = (JsonObject)row.DeepClone();
            copy.Remove("_timestamp");
            return copy.ToJsonString();
        });
        var summary = JsonNode.Parse(run.SummaryJson ?? "{}")!.AsObject();
        summary.Remove("_timestamp");
        summary.Remove("_wandb");
        var config = string.Join(",", run.Config.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));
        return $"{config}\n{string.Join("\n", history)}\nsummary {summary.ToJsonString()}\nlog {run.LineCount("output.log")}\ncomplete {run.Complete} {run.ExitCode}";
    }

    [Test]
    public async Task OfflineThenSync_LeavesTheServerAsAnOnlineReplayWould_AndASecondSyncChangesNothing()
    {
        await using var online = await FakeWandbServer.StartAsync();
        await using var synced = await FakeWandbServer.StartAsync();

        var direct = await CliProcess.RunAsync(["replay", Recording], Environment(online));
        var offline = await CliProcess.RunAsync(["replay", Recording], Environment(null));
        var sync = await CliProcess.RunAsync(["sync"], Environment(synced));
        var requestsAfterFirstSync = synced.State.Requests.Count;
        var again = await CliProcess.RunAsync(["sync"], Environment(synced));

        Assert.That((direct.ExitCode, offline.ExitCode, sync.ExitCode, again.ExitCode), Is.EqualTo((0, 0, 0, 0)), direct.Error + offline.Error + sync.Error + again.Error);
        Assert.That(offline.Output, Does.Contain("mode offline").And.Contain("rxfactorio sync"));
        Assert.That(Directory.GetDirectories(Path.Combine(_dir, "wandb"), "offline-run-*"), Has.Length.EqualTo(2));
        Assert.That(synced.State.Runs.Select(Comparable).Order(), Is.EqualTo(online.State.Runs.Select(Comparable).Order()));
        Assert.That(synced.State.Runs.Sum(r => r.HistoryRows().Count), Is.EqualTo(200));
        Assert.That(synced.State.Requests, Has.Count.EqualTo(requestsAfterFirstSync), "a second sync sends nothing");
        Assert.That(again.Output, Does.Contain("alreadysynced"));
    }

    [Test]
    public async Task OfflineRunWithTagsGroupNotesJobType_SyncWithoutThem_RestoresThemAndTheHost()
    {
        await using var synced = await FakeWandbServer.StartAsync();

        var offline = await CliProcess.RunAsync(
            ["replay", Recording, "--tags", "fle,seed-7", "--group", "sweep-3", "--notes", "lab machine 2", "--job-type", "eval"], Environment(null));
        var sync = await CliProcess.RunAsync(["sync"], Environment(synced));

        Assert.That((offline.ExitCode, sync.ExitCode), Is.EqualTo((0, 0)), offline.Error + sync.Error);
        Assert.That(synced.State.Runs, Has.Count.EqualTo(2));
        Assert.That(synced.State.Runs.Select(r => (string.Join(",", r.Tags), r.Group, r.Notes, r.JobType, r.Host)),
            Has.All.EqualTo(("fle,seed-7", (string?)"sweep-3", (string?)"lab machine 2", (string?)"eval", (string?)System.Environment.MachineName)));
    }

    [Test]
    public async Task Sync_WithoutAKey_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(["sync"], Environment(null));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("no W&B API key"));
    }

    [Test]
    public async Task Sync_NothingThere_ExitsTwoNamingThePath()
    {
        await using var server = await FakeWandbServer.StartAsync();

        var result = await CliProcess.RunAsync(["sync", Path.Combine(_dir, "nothing-here")], Environment(server));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(Path.Combine(_dir, "nothing-here")));
    }
}
