using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary>
/// What the W&amp;B Overview and Files tabs show: <c>wandb-metadata.json</c>, <c>config.yaml</c>,
/// <c>wandb-summary.json</c> and <c>output.log</c>, uploaded by the real <c>rxfactorio</c> (child process)
/// through CreateRunFiles to the fake's storage port, which refuses W&amp;B credentials.
/// </summary>
public sealed class RunFilesTests
{
    private static readonly string Sample = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");
    private static readonly string[] FileNames = ["config.yaml", "output.log", "wandb-metadata.json", "wandb-summary.json"];

    private string _dir = "";
    private string _recording = "";

    /// <summary>The two-session sample with its 2nd line (cycle 300) again as its 6th, after cycle 303: a stale cycle, which the run's log gets as an error line.</summary>
    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxf-runfiles-").FullName;
        var lines = File.ReadAllLines(Sample).ToList();
        lines.Insert(5, lines[1]);
        _recording = Path.Combine(_dir, "two-sessions-one-stale.jsonl");
        File.WriteAllLines(_recording, lines);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Environment(FakeWandbServer? server) => FakeWandbCliTest.EnvironmentFor(server, _dir);

    /// <summary>A replay command whose notes carry something key-shaped (the server's own key), which the metadata must not show.</summary>
    private string[] ReplayArgs(FakeWandbServer keyOwner) => ["replay", _recording, "--notes", $"key={keyOwner.ApiKey}"];

    [Test]
    public async Task OnlineReplay_UploadsTheFourRunFiles_ReportsThemUploaded_AndNeverSendsTheKeyToStorage()
    {
        await using var server = await FakeWandbServer.StartAsync();

        var replay = await CliProcess.RunAsync(ReplayArgs(server), Environment(server));

        Assert.That(replay.ExitCode, Is.EqualTo(0), replay.Error);
        Assert.That(server.State.Runs, Has.Count.EqualTo(2));
        Assert.That(server.State.Counters.UploadsWithCredentials, Is.Zero, "no request to the storage port carried W&B credentials");
        foreach (var run in server.State.Runs)
        {
            Assert.That(run.RunFiles.Select(f => f.Name), Is.EqualTo(FileNames), run.Name);
            Assert.That(run.Uploaded, Is.SupersetOf(FileNames), "file_stream's uploaded list names every file");
            AssertMetadata(run, server);
            AssertConfig(run);
            AssertSummaryMatchesTheStreamedOne(run);
            AssertOutputMatchesTheStreamedLines(run);
        }
        AssertTheStaleLineIsAnErrorLineOfTheFirstRun(server);
    }

    [Test]
    public async Task OfflineReplayThenSync_UploadsTheFilesTheOfflineRunKept()
    {
        await using var keyOwner = await FakeWandbServer.StartAsync();
        await using var synced = await FakeWandbServer.StartAsync();

        var offline = await CliProcess.RunAsync(ReplayArgs(keyOwner), Environment(null));
        var sync = await CliProcess.RunAsync(["sync"], Environment(synced));

        Assert.That((offline.ExitCode, sync.ExitCode), Is.EqualTo((0, 0)), offline.Error + sync.Error);
        Assert.That(synced.State.Counters.UploadsWithCredentials, Is.Zero);
        var folders = Directory.GetDirectories(Path.Combine(_dir, "wandb"), "offline-run-*");
        Assert.That(folders, Has.Length.EqualTo(2));
        foreach (var folder in folders)
        {
            var run = synced.State.GetRun(Path.GetFileName(folder)[^8..]);
            Assert.That(run.RunFiles.Select(f => f.Name), Is.EqualTo(FileNames));
            Assert.That(run.Uploaded, Is.SupersetOf(FileNames));
            foreach (var file in run.RunFiles)
            {
                Assert.That(file.Content, Is.EqualTo(File.ReadAllBytes(Path.Combine(folder, "files", file.Name))), $"{file.Name} as the offline run kept it");
            }
            AssertMetadata(run, keyOwner);
            AssertConfig(run);
            AssertSummaryMatchesTheStreamedOne(run);
            AssertOutputMatchesTheStreamedLines(run);
        }
        AssertTheStaleLineIsAnErrorLineOfTheFirstRun(synced);
    }

    /// <summary>wandb-core's stderr form in file_stream (<c>ERROR &lt;time&gt; &lt;text&gt;</c>); output.log keeps the text only.</summary>
    private void AssertTheStaleLineIsAnErrorLineOfTheFirstRun(FakeWandbServer server)
    {
        var first = server.State.Runs.Single(r => r.Config["session_id"]!.GetValue<string>() == "freeplay_36000");
        var errors = first.Lines(FakeFileNames.OutputLog).Where(l => l.StartsWith("ERROR ", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.Match(@"^ERROR \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6} "));
        Assert.That(Text(errors[0]), Does.StartWith($"{_recording}:6: StaleCycle: cycle 300 of session 'freeplay_36000' is not after step 303"));
        Assert.That(first.RunFile("output.log")!.Text, Does.Contain("\n" + Text(errors[0]) + "\n").Or.StartWith(Text(errors[0]) + "\n"));
        Assert.That(server.State.Runs.Where(r => r != first).SelectMany(r => r.Lines(FakeFileNames.OutputLog)), Has.None.StartWith("ERROR "));
    }

    private void AssertMetadata(FakeRun run, FakeWandbServer keyOwner)
    {
        var text = run.RunFile("wandb-metadata.json")!.Text;
        var metadata = JsonNode.Parse(text)!.AsObject();
        Assert.That(text, Does.Not.Contain(keyOwner.ApiKey), "the key-shaped argument is masked");
        Assert.That(metadata["program"]!.GetValue<string>(), Is.EqualTo("rxfactorio"));
        Assert.That(metadata["host"]!.GetValue<string>(), Is.EqualTo(System.Environment.MachineName));
        Assert.That(metadata["os"]!.GetValue<string>(), Is.EqualTo(RuntimeInformation.OSDescription));
        Assert.That(metadata["args"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(new[] { "replay", _recording, "--notes", "key=[redacted]" }));
        var started = DateTimeOffset.Parse(metadata["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.That(started, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(10)));
        var rxfactorio = metadata["rxfactorio"]!.AsObject();
        Assert.That(rxfactorio["version"]!.GetValue<string>(), Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(rxfactorio["source"]!.GetValue<string>(), Is.EqualTo(_recording));
        var session = rxfactorio["session"]!.AsObject();
        Assert.That(session["session_id"]!.GetValue<string>(), Is.EqualTo(run.Config["session_id"]!.GetValue<string>()));
        Assert.That(session["level_name"]!.GetValue<string>(), Is.EqualTo("freeplay"));
        Assert.That(session["start_tick"]!.GetValue<long>(), Is.EqualTo(run.Config["start_tick"]!.GetValue<long>()));
    }

    /// <summary>config.yaml in wandb-core's yaml.v3 form: sorted keys, each <c>value:</c> indented 4 spaces.</summary>
    private static void AssertConfig(FakeRun run)
    {
        var yaml = run.RunFile("config.yaml")!.Text;
        var sessionId = run.Config["session_id"]!.GetValue<string>();
        Assert.That(yaml, Is.EqualTo(
            "level_name:\n    value: \"freeplay\"\n" +
            $"session_id:\n    value: \"{sessionId}\"\n" +
            $"start_tick:\n    value: {run.Config["start_tick"]!.GetValue<long>()}\n"));
    }

    private static void AssertSummaryMatchesTheStreamedOne(FakeRun run)
    {
        var file = JsonNode.Parse(run.RunFile("wandb-summary.json")!.Text)!.AsObject();
        var streamed = run.Summary!;
        Assert.That(file.Select(kv => kv.Key).Order(), Is.EqualTo(streamed.Select(kv => kv.Key).Order()));
        foreach (var (key, value) in streamed)
        {
            if (key == "_timestamp")
            {
                // NOTE: the stream's comes from a row read back from the log (milliseconds), the file's from the summary record.
                Assert.That(file[key]!.GetValue<double>(), Is.EqualTo(value!.GetValue<double>()).Within(0.001));
                continue;
            }
            Assert.That(JsonNode.DeepEquals(file[key], value), Is.True, $"{key}: {file[key]?.ToJsonString()} vs {value?.ToJsonString()}");
        }
        Assert.That(file["_wandb"]!["runtime"]!.GetValue<long>(), Is.GreaterThan(0));
    }

    /// <summary>output.log holds the text of each line file_stream carried, without its time stamp.</summary>
    private static void AssertOutputMatchesTheStreamedLines(FakeRun run)
    {
        var file = run.RunFile("output.log")!.Text;
        var streamed = run.Lines(FakeFileNames.OutputLog);
        Assert.That(streamed, Is.Not.Empty);
        Assert.That(file, Is.EqualTo(string.Concat(streamed.Select(l => Text(l) + "\n"))));
    }

    /// <summary>A file_stream output.log line without its <c>ERROR </c> prefix and time stamp.</summary>
    private static string Text(string streamedLine)
    {
        var line = streamedLine.StartsWith("ERROR ", StringComparison.Ordinal) ? streamedLine["ERROR ".Length..] : streamedLine;
        return line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
    }
}
