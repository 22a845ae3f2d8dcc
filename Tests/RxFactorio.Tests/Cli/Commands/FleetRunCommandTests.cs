using System.Globalization;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary>
/// A fleet in one process: the real <c>rxfactorio run</c> (child process) with a glob <c>--source</c>
/// against the fake W&amp;B: files there at the start and files created while it runs are each a
/// source, and each source's runs carry its label (config <c>source</c>, and a tag or the group).
/// </summary>
[NonParallelizable]
public sealed class FleetRunCommandTests() : FakeWandbCliTest("rxf-fleet-")
{
    private string Folder => Path.Combine(Dir, "script-output");

    private string Glob => Path.Combine(Folder, "*.jsonl");

    private static string Init(string session) =>
        $$"""{"type":"session_init","session_id":"{{session}}","tick":0,"level_name":"freeplay"}""";

    private static IEnumerable<string> Cycles(string session, long first, long last)
    {
        for (var c = first; c <= last; c++)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $$$"""{"type":"stats","session_id":"{{{session}}}","cycle":{{{c}}},"tick":{{{c * 120}}},"products_production":{"iron-plate":{{{c + 0.5}}}}}""");
        }
    }

    private void Append(string file, IEnumerable<string> lines) =>
        File.AppendAllLines(Path.Combine(Folder, file), lines);

    private FakeRun? RunOf(string session) => Server.State.Runs.FirstOrDefault(r => r.Config.GetValueOrDefault("session_id")?.GetValue<string>() == session);

    private int Rows(string session) => RunOf(session) is { } run ? ServerView.Steps(run).Count : 0;

    [TestCase("tag")]
    [TestCase("group")]
    public async Task AGlob_ReadsTheFilesThereAndOneCreatedWhileRunning_EachSessionARunLabelledByItsFile(string labelAs)
    {
        Directory.CreateDirectory(Folder);
        Append("server1.jsonl", [Init("nauvis_1"), .. Cycles("nauvis_1", 1, 5)]);
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "not telemetry\n");
        await using var run = CliProcess.Start(
            ["run", "--source", Glob, "--mode", "online", "--batch-window", "100ms", "--tags", "fleet", "--label-as", labelAs], Online(), Dir);
        await run.WaitUntilAsync(() => Rows("nauvis_1") == 5, "the first file's rows on the server");

        Append("server-2.jsonl", [Init("nauvis_2"), .. Cycles("nauvis_2", 1, 3)]);
        await run.WaitUntilAsync(() => Rows("nauvis_2") == 3, "the rows of the file created after the start on the server");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync();

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(Server.State.Runs, Has.Count.EqualTo(2));
        Assert.That(result.Error, Does.Contain($"Found {Path.Combine(Folder, "server-2.jsonl")} (matches {Glob}): reading it, label server-2"));
        foreach (var (session, label) in new[] { ("nauvis_1", "server1"), ("nauvis_2", "server-2") })
        {
            var server = RunOf(session)!;
            Assert.That(server.Config["source"]!.GetValue<string>(), Is.EqualTo(label), session);
            Assert.That(server.Tags, Is.EqualTo(labelAs == "tag" ? new[] { "fleet", label } : ["fleet"]), session);
            Assert.That(server.Group, labelAs == "group" ? Is.EqualTo(label) : Is.Null.Or.Empty, session);
            Assert.That(server.Complete, Is.True, session);
        }
    }

    [Test]
    public async Task KilledAndRestarted_TheRunOfAFileTheGlobFoundWhileRunning_Continues()
    {
        Directory.CreateDirectory(Folder);
        string[] args = ["run", "--source", "fleet=" + Glob, "--mode", "online", "--batch-window", "100ms"];
        var first = CliProcess.Start(args, Online(), Dir);
        await first.WaitUntilAsync(() => first.Error.Contains("Looking for files matching", StringComparison.Ordinal), "the glob to be watched");
        Append("late.jsonl", [Init("nauvis_9"), .. Cycles("nauvis_9", 1, 10)]);
        await first.WaitUntilAsync(() => Rows("nauvis_9") == 10, "the late file's rows on the server");
        await first.SignalAsync("KILL");
        await first.WaitAsync();
        await first.DisposeAsync();

        Append("late.jsonl", Cycles("nauvis_9", 11, 20));
        await using var second = CliProcess.Start(args, Online(), Dir);
        await second.WaitUntilAsync(() => Rows("nauvis_9") >= 20, "the rows appended while stopped on the server");
        await second.SignalAsync("TERM");
        var result = await second.WaitAsync();

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(Server.State.Runs, Has.Count.EqualTo(1), "the run continues under its id; the file is not read again from its start");
        var run = Server.State.Runs.Single();
        Assert.That(ServerView.Steps(run), Is.EqualTo(Enumerable.Range(1, 20).Select(i => (long)i)), "each row once");
        Assert.That(run.Config["source"]!.GetValue<string>(), Is.EqualTo("fleet-late"));
        Assert.That(run.Tags, Is.EqualTo(new[] { "fleet-late" }));
        Assert.That(result.Error, Does.Contain("continuing run " + run.Name));
    }

    [TestCase(new[] { "--source", "my server=a.jsonl" }, "rxfactorio run: --source 'my server=a.jsonl': the label 'my server' must be")]
    [TestCase(new[] { "--source", "a.jsonl", "--label-as", "group", "--group", "g" }, "rxfactorio run: --label-as group makes each source's label its runs' group, and a run group is set too: 'g' (from")]
    public async Task ALabelThatCannotBe_ExitsTwoWithOneLine(string[] flags, string message)
    {
        var result = await CliProcess.RunAsync(["run", "--mode", "offline", .. flags], Online());

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.StartWith(message));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task RunHelp_TellsOfGlobsFoldersAndLabels()
    {
        var result = await CliProcess.RunAsync(["run", "--help"]);

        Assert.That(result.Output, Does.Contain("'script-output/*.jsonl'").And.Contain("--label-as").And.Contain("[LABEL=]WHAT"));
    }
}
