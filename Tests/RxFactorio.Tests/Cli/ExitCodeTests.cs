using RxFactorio.FakeWandb;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli;

/// <summary>The exit code 1 (runtime failure) of replay and sync, which the other command tests do not reach.</summary>
public sealed class ExitCodeTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-exit-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Replay_OfflineFolderCannotBeCreated_ExitsOne()
    {
        var notADirectory = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(notADirectory, "");

        var result = await CliProcess.RunAsync(
            ["replay", "--mode", "offline", "--dir", notADirectory, Parse.RepoFile("samples", "recordings", "freeplay.jsonl")],
            new Dictionary<string, string?> { ["WANDB_API_KEY"] = null, ["WANDB_MODE"] = null, ["WANDB_DIR"] = null });

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(result.Error, Does.Contain(notADirectory));
    }

    [Test]
    public async Task Sync_UnreadableRunLog_ExitsOne_AndNeverPrintsTheKey()
    {
        await using var server = await FakeWandbServer.StartAsync();
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "wandb", "offline-run-20260101_000000-abcd1234")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "run-abcd1234.wandb"), "garbage");

        var result = await CliProcess.RunAsync(["sync", Path.Combine(_dir, "wandb")], new Dictionary<string, string?>
        {
            ["WANDB_BASE_URL"] = server.BaseUrl.ToString().TrimEnd('/'),
            ["WANDB_API_KEY"] = server.ApiKey,
            ["WANDB_MODE"] = null,
            ["NETRC"] = "/nonexistent/netrc",
        });

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(result.Output + result.Error, Does.Contain("not a W&B transaction log"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(server.ApiKey));
    }
}
