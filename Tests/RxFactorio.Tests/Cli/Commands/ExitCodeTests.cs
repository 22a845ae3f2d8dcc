using RxFactorio.FakeWandb;
using RxFactorio.Framing;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary>
/// The exit codes as the README states them: 1 (runtime failure) of replay and sync, which the
/// other command tests do not reach, and what a rejected line does to each command's code
/// (run/replay: 0, the line is reported; validate: 1).
/// </summary>
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

    private const string OneRejected =
        """
        {"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"coal":1}}
        this line is not JSON
        {"type":"stats","session_id":"s","cycle":2,"tick":240,"products_production":{"coal":2}}

        """;

    private Dictionary<string, string?> Offline() => new()
    {
        ["WANDB_API_KEY"] = null, ["WANDB_MODE"] = "offline", ["WANDB_DIR"] = _dir, ["NETRC"] = "/nonexistent/netrc",
    };

    [Test]
    public async Task Replay_WithARejectedLine_ExitsZero_AndReportsTheLine()
    {
        var recording = Path.Combine(_dir, "one-rejected.jsonl");
        await File.WriteAllTextAsync(recording, OneRejected);

        var result = await CliProcess.RunAsync(["replay", recording], Offline());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("1 run(s), 2 row(s)").And.Contain("1 line(s) rejected"));
        Assert.That(result.Output + result.Error, Does.Contain(":2: InvalidJson"));
    }

    [Test]
    public async Task Run_WithARejectedLine_ExitsZero_AndReportsTheLine()
    {
        var result = await CliProcess.RunAsync(["run", "--source", "-"], Offline(), standardInput: OneRejected);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("1 run(s), 2 row(s)").And.Contain("1 line(s) rejected"));
    }

    [Test]
    public async Task Validate_WithARejectedLine_ExitsOne_AndWithoutExitsZero()
    {
        var bad = Path.Combine(_dir, "one-rejected.jsonl");
        await File.WriteAllTextAsync(bad, OneRejected);
        var good = Path.Combine(_dir, "clean.jsonl");
        await File.WriteAllLinesAsync(good, OneRejected.Split('\n').Where(l => l.StartsWith('{')));

        var rejected = await CliProcess.RunAsync(["validate", bad]);
        var clean = await CliProcess.RunAsync(["validate", good]);

        Assert.That(rejected.ExitCode, Is.EqualTo(1), rejected.Output + rejected.Error);
        Assert.That(rejected.Output, Does.Contain("rejected   1 lines"));
        Assert.That(clean.ExitCode, Is.EqualTo(0), clean.Output + clean.Error);
    }

    [Test]
    public async Task Validate_MaxLineBytesOfIntMax_AcceptsALineLongerThanTheDefault()
    {
        // #11.10: the cap plus one byte for a CR wrapped to a negative number, so every line
        // that spanned two reads was reported as longer than 2147483647 bytes.
        var big = Path.Combine(_dir, "long-line.jsonl");
        var items = string.Join(",", Enumerable.Range(0, 400_000).Select(i => $"\"item-{i}\":{i}"));
        await File.WriteAllTextAsync(big, """{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{""" + items + "}}\n");
        Assert.That(new FileInfo(big).Length, Is.GreaterThan(FramingOptions.DefaultMaxLineBytes));

        var result = await CliProcess.RunAsync(["validate", "--max-line-bytes", "2147483647", big]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("stats 1").And.Not.Contain("LineTooLong"));
    }
}
