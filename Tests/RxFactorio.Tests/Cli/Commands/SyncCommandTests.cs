using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.RunLog.Proto;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary>Offline runs on disk, then <c>rxfactorio sync</c>, as real child processes against the test server.</summary>
public sealed class SyncCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-sync-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Environment(FakeWandbServer? server) => FakeWandbCliTest.EnvironmentFor(server, _dir);

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
    /// <summary>A log as the W&amp;B SDK writes one: its telemetry, a nested config value, a string in a row, and no exit record.</summary>
    private static string WandbSdkLog(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "run-sdkrun01.wandb");
        using var log = RxFactorio.RunLog.LevelDbLogWriter.Create(path);
        void Write(Record record) => log.Append(Google.Protobuf.MessageExtensions.ToByteArray(record));
        Write(new Record { Header = new HeaderRecord { VersionInfo = new VersionInfo { Producer = "0.19.1" } } });
        var run = new RunRecord { RunId = "sdkrun01", Project = "elsewhere", Config = new ConfigRecord(), Telemetry = new TelemetryRecord { CliVersion = "0.19.1", PythonVersion = "3.11.8" } };
        run.Config.Update.Add(new ConfigItem { Key = "model", ValueJson = """{"layers": 4}""" });
        Write(new Record { Num = 1, Run = run });
        var history = new HistoryRecord { Step = new HistoryStep { Num = 0 } };
        history.Item.Add(new HistoryItem { Key = "phase", ValueJson = "\"warmup\"" });
        history.Item.Add(new HistoryItem { Key = "loss", ValueJson = "0.5" });
        Write(new Record { Num = 2, History = history });
        return path;
    }

    [Test]
    public async Task ALogTheWandbSdkWrote_IsRefusedWithItsWriterNamed_AndNothingIsSent_WhileOurOwnBesideItSyncs()
    {
        await using var server = await FakeWandbServer.StartAsync();
        var offline = await CliProcess.RunAsync(["replay", Recording], Environment(null));
        var foreign = WandbSdkLog(Path.Combine(_dir, "wandb", "offline-run-20261201_100000-sdkrun01"));

        var sync = await CliProcess.RunAsync(["sync"], Environment(server));

        Assert.Multiple(() =>
        {
            Assert.That(offline.ExitCode, Is.Zero, offline.Error);
            Assert.That(sync.ExitCode, Is.EqualTo(1), "a log not synced is a failure");
            Assert.That(sync.Output, Does.Contain("refused").And.Contain("written by wandb 0.19.1").And.Contain("wandb sync"), sync.Output);
            Assert.That(sync.Output, Does.Contain("3 run log(s): 2 synced or already synced, 1 not"));
            Assert.That(server.State.Runs.Select(r => r.Name), Has.None.EqualTo("sdkrun01"), "no run invented from it");
            Assert.That(server.State.Runs, Has.Count.EqualTo(2), "our own two runs are uploaded");
            Assert.That(File.Exists(foreign + ".synced"), Is.False);
        });
    }
}
