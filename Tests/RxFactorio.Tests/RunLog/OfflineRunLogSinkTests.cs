using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.RunLog;

/// <summary>The offline sink at the end of the real pipeline, in virtual time (1 scheduler tick = 100 ns).</summary>
public sealed class OfflineRunLogSinkTests : ReactiveTest
{
    private const string Hostile = "../../etc/passwd 💥";

    private static readonly RunOptions Options = new()
    {
        BatchWindow = TimeSpan.FromTicks(50),
        IdleTimeout = TimeSpan.FromTicks(400),
        Random = new Random(42),
    };

    private static RunLogSink Sink(string root, TestScheduler scheduler) =>
        new(new RunLogSinkOptions { RootDirectory = root, Clock = scheduler, TimeZone = TimeZoneInfo.Utc, Project = "factorio" });

    private static IList<Recorded<System.Reactive.Notification<RunCommand>>> Run(TestScheduler scheduler, ITestableObservable<FactorioEvent> events, RunLogSink sink) =>
        scheduler.Start(() => events.ToRunCommands(Options, scheduler).SendTo(sink), created: 100, subscribed: 200, disposed: 5000).Messages;

    [Test]
    public async Task Pipeline_WritesOneOfflineRunFolder_WithNoSessionIdInAnyPath()
    {
        using var dir = new TempDirectory();
        var scheduler = new TestScheduler();
        await using var sink = Sink(dir.Path, scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init(Hostile, 0)),
            OnNext<FactorioEvent>(220, Ev.Stats(Hostile, 1, production: ("iron-plate", 1.5))),
            OnNext<FactorioEvent>(225, Ev.Event(Hostile, 130, "on_built_entity", fields: ("entity", "\"inserter\""))),
            OnNext<FactorioEvent>(230, Ev.Stats(Hostile, 2, production: ("iron-plate", 2.5))),
            OnCompleted<FactorioEvent>(300));

        var messages = Run(scheduler, events, sink);

        Assert.That(messages[^1].Value.Kind, Is.EqualTo(System.Reactive.NotificationKind.OnCompleted));
        var folder = sink.RunFolders.Single();
        Assert.That(Path.GetDirectoryName(folder), Is.EqualTo(Path.Combine(dir.Path, "wandb")));
        Assert.That(Path.GetFileName(folder), Does.Match("^offline-run-[0-9]{8}_[0-9]{6}-[a-z0-9]{8}$"));
        var runId = Path.GetFileName(folder)[^8..];
        var everything = Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir.Path, p))
            .Where(p => !p.StartsWith("wandb/latest-run/", StringComparison.Ordinal)).ToList(); // not through the symlink
        Assert.That(everything, Is.EquivalentTo(new[]
        {
            "wandb",
            "wandb/latest-run",
            $"wandb/{Path.GetFileName(folder)}",
            $"wandb/{Path.GetFileName(folder)}/run-{runId}.wandb",
            $"wandb/{Path.GetFileName(folder)}/files",
            $"wandb/{Path.GetFileName(folder)}/files/config.yaml",
            $"wandb/{Path.GetFileName(folder)}/files/wandb-metadata.json",
            $"wandb/{Path.GetFileName(folder)}/files/wandb-summary.json",
            $"wandb/{Path.GetFileName(folder)}/files/output.log",
        }));
        Assert.That(everything, Has.None.Contains("passwd").And.None.Contains("💥").And.None.Contains(".."));
        Assert.That(new FileInfo(Path.Combine(dir.Path, "wandb", "latest-run")).LinkTarget, Is.EqualTo(Path.GetFileName(folder)));

        var contents = RunLogReader.Read(Path.Combine(folder, $"run-{runId}.wandb"));
        Assert.That((contents.RunId, contents.Project, contents.IsFinished, contents.ExitCode), Is.EqualTo((runId, "factorio", true, (int?)0)));
        Assert.That(contents.DisplayName, Does.StartWith(Hostile + "_"));
        Assert.That(contents.ToRunInfo()!.SessionId, Is.EqualTo(Hostile));
        Assert.That(contents.History.Select(r => (r.Step, r["production/iron-plate"])), Is.EqualTo(new[] { (1L, (double?)1.5), (2L, (double?)2.5) }));
        Assert.That(contents.History[1]["events/on_built_entity"], Is.EqualTo(1), "tick 130 belongs to the sample at tick 240 (step 2)");
        Assert.That(contents.LogLines, Is.EqualTo(new[] { "[tick 130] on_built_entity inserter" }));
        Assert.That(contents.Report.IsClean);

        var files = Path.Combine(folder, "files");
        Assert.That(File.ReadAllText(Path.Combine(files, "config.yaml")), Is.EqualTo(
            "level_name:\n    value: \"freeplay\"\nsession_id:\n    value: \"../../etc/passwd 💥\"\nstart_tick:\n    value: 0\n"),
            "wandb-core's yaml.v3 form: keys sorted, 4-space indent");
        Assert.That(File.ReadAllText(Path.Combine(files, "output.log")), Is.EqualTo("[tick 130] on_built_entity inserter\n"));
        var summary = File.ReadAllText(Path.Combine(files, "wandb-summary.json"));
        Assert.That(summary, Does.StartWith("{").And.Contain("\"production/iron-plate\":2.5").And.Contain("\"_step\":2").And.Contain("\"_runtime\":4").And.Contain("\"_wandb\":{\"runtime\":4}"));
        using var json = System.Text.Json.JsonDocument.Parse(summary);
        Assert.That(json.RootElement.GetProperty("tick").GetDouble(), Is.EqualTo(240));
    }

    [Test]
    public async Task AFinishedRun_HasTheFilesARebuildFromItsLogWrites_WithoutTheSinkReadingTheLogBack()
    {
        using var dir = new TempDirectory();
        var scheduler = new TestScheduler();
        await using var sink = Sink(dir.Path, scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("s", 0)),
            OnNext<FactorioEvent>(220, Ev.Stats("s", 1, production: ("iron-plate", 0.1 + 0.2))),
            OnNext<FactorioEvent>(225, Ev.Event("s", 130, "on_built_entity", fields: ("entity", "\"in\\r\\nserter\""))),
            OnNext<FactorioEvent>(330, Ev.Stats("s", 2, production: [("iron-plate", double.Epsilon), ("coal", -0.0)])),
            OnNext<FactorioEvent>(335, Ev.Stats("s", 1, production: ("iron-plate", 3))),
            OnNext<FactorioEvent>(440, Ev.Stats("s", 3, production: ("copper-plate", 1e300))),
            OnCompleted<FactorioEvent>(600));

        Run(scheduler, events, sink);

        var folder = new RunFolder(sink.RunFolders.Single(), Path.GetFileName(sink.RunFolders.Single())[^8..]);
        var written = RunFiles.All.ToDictionary(name => name, name => File.ReadAllBytes(Path.Combine(folder.FilesDirectory, name)));
        Assert.That(RunLogReader.Read(folder.LogFile).History, Has.Count.EqualTo(3));
        Assert.That(Encoding.UTF8.GetString(written[RunFiles.Output]), Does.Contain("on_built_entity").And.Contain("StaleCycle"), "an event line and an error line");

        RunFiles.RebuildFromLog(folder);

        foreach (var name in RunFiles.All)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(folder.FilesDirectory, name)), Is.EqualTo(written[name]), name);
        }
    }

    [Test]
    public async Task IdleRunThatResumes_ContinuesInTheSameFolderAndLog_AfterItsEarlierExit()
    {
        using var dir = new TempDirectory();
        var scheduler = new TestScheduler();
        await using var sink = Sink(dir.Path, scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Stats("s", 1, production: ("coal", 1))),
            OnNext<FactorioEvent>(1000, Ev.Stats("s", 2, production: ("coal", 2))),
            OnCompleted<FactorioEvent>(1100));

        Run(scheduler, events, sink);

        var folder = sink.RunFolders.Single();
        var log = Directory.GetFiles(folder, "*.wandb").Single();
        var contents = RunLogReader.Read(log);
        Assert.That(contents.History.Select(r => r.Step), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(contents.IsFinished);
        var kinds = LevelDbLogReader.ReadAll(log).Records.Select(r => RxFactorio.RunLog.Proto.Record.Parser.ParseFrom(r.Payload).RecordTypeCase.ToString()).ToList();
        Assert.That(kinds, Is.EqualTo(new[] { "Header", "Run", "Metric", "Metric", "History", "Summary", "Exit", "Final", "History", "Summary", "Exit", "Final" }),
            "the game-time axis definitions follow the run record");
        Assert.That(Directory.GetDirectories(Path.Combine(dir.Path, "wandb"), "offline-run-*"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task ResumedRunInANewProcess_FindsItsFolderOnDisk_AndClearsTheSyncedMarker()
    {
        using var dir = new TempDirectory();
        var run = new RunInfo { RunId = "k3y9ab01", DisplayName = "s_1", Key = new RunKey("a", "s", 1), StartTick = 0 };
        var row = new HistoryRow(1, 120, 2, DateTimeOffset.UnixEpoch, [new("coal", 1), new("tick", 120)]);
        var folder = "";
        await using (var first = new RunLogSink(new RunLogSinkOptions { RootDirectory = dir.Path }))
        {
            await first.HandleAsync(new StartRun { Run = run }, default);
            await first.HandleAsync(new LogBatch { Run = run, Rows = [row] }, default);
            await first.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Idle }, default);
            folder = first.RunFolders.Single();
        }
        var log = Path.Combine(folder, "run-k3y9ab01.wandb");
        SyncedMarker.Mark(log);

        await using (var second = new RunLogSink(new RunLogSinkOptions { RootDirectory = dir.Path }))
        {
            await second.HandleAsync(new StartRun { Run = run, Resumed = true }, default);
            await second.HandleAsync(new LogBatch { Run = run, Rows = [row with { Step = 2, Tick = 240 }], LogLines = ["later"] }, default);
            await second.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);
            Assert.That(second.RunFolders, Is.EqualTo(new[] { folder }));
        }

        var contents = RunLogReader.Read(log);
        Assert.That(contents.History.Select(r => r.Step), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(contents.IsFinished);
        Assert.That(SyncedMarker.IsSynced(log), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(folder, "files", "output.log")), Is.EqualTo("later\n"));
    }

    [Test]
    public async Task ARunContinuedInANewProcess_KeepsItsLatestImageInTheSummary()
    {
        using var dir = new TempDirectory();
        var source = dir.File("events.jsonl");
        var png = PngFile.Write(dir.File("shot.png"), 4, 2);
        var run = new RunInfo { RunId = "k3y9ab02", DisplayName = "s_1", Key = new RunKey(source, "s", 1), StartTick = 0 };
        var row = new HistoryRow(1, 120, 2, DateTimeOffset.UnixEpoch, [new("coal", 1), new("tick", 120)]);
        await using (var first = new RunLogSink(new RunLogSinkOptions { RootDirectory = dir.Path }))
        {
            await first.HandleAsync(new StartRun { Run = run }, default);
            await first.HandleAsync(new LogBatch { Run = run, Rows = [row with { ScreenshotPath = "shot.png" }], Summary = [new("coal", 1)] }, default);
        }
        await using (var second = new RunLogSink(new RunLogSinkOptions { RootDirectory = dir.Path }))
        {
            await second.HandleAsync(new StartRun { Run = run, Resumed = true }, default);
            await second.HandleAsync(new LogBatch { Run = run, Rows = [row with { Step = 2, Tick = 240 }], Summary = [new("coal", 1)] }, default);
            await second.HandleAsync(new FinishRun { Run = run, Reason = RunEndReason.Shutdown }, default);
        }

        var folder = Directory.GetDirectories(Path.Combine(dir.Path, "wandb"), "offline-run-*").Single();
        var contents = RunLogReader.Read(Path.Combine(folder, "run-k3y9ab02.wandb"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
        Assert.That(contents.History[0].JsonValues.Single().Value, Does.Contain($"\"path\":\"media/images/screenshot_1_{sha[..20]}.png\""));
        Assert.That(contents.SummaryJson["screenshot"], Is.EqualTo(contents.History[0].JsonValues.Single().Value), "the summary written after the restart still holds the image");
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "files", "wandb-summary.json")));
        Assert.That(summary.RootElement.GetProperty("screenshot").GetProperty("width").GetInt32(), Is.EqualTo(4));
    }

    [Test]
    public async Task UnwritableRoot_IsAnIOExceptionNamingThePath_ThroughThePipeline()
    {
        using var dir = new TempDirectory();
        // A regular file where a folder must go: fails even for root, unlike permission bits.
        var blocker = dir.File("blocker");
        File.WriteAllText(blocker, "");
        var scheduler = new TestScheduler();
        await using var sink = Sink(Path.Combine(blocker, "root"), scheduler);
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("s", 0)),
            OnCompleted<FactorioEvent>(300));

        var messages = Run(scheduler, events, sink);

        var error = messages.Single(m => m.Value.Kind == System.Reactive.NotificationKind.OnError).Value.Exception;
        Assert.That(error, Is.InstanceOf<IOException>());
        Assert.That(error!.Message, Does.Contain(Path.Combine(blocker, "root", "wandb")));
        Assert.That(messages.Single(m => m.Value.Kind == System.Reactive.NotificationKind.OnError).Time, Is.EqualTo(210), "fails at once, no retries");
    }

    [Test]
    public void FullDisk_IsAnIOExceptionNamingTheLog_AndTheWriterRefusesMore()
    {
        using var writer = new LevelDbLogWriter(new FailingStream(failAfter: 20), path: "/runs/run-abc123xy.wandb");

        var error = Assert.Throws<IOException>(() => writer.Append(new byte[100]));
        Assert.That(error!.Message, Does.Contain("/runs/run-abc123xy.wandb").And.Contain("No space left on device"));
        var again = Assert.Throws<IOException>(() => writer.Append(new byte[1]));
        Assert.That(again!.Message, Does.Contain("/runs/run-abc123xy.wandb").And.Contain("earlier write failed"));
    }

    [Test]
    public void RunIdsThatAreNotEightLowercaseLettersOrDigits_AreRefused()
    {
        using var dir = new TempDirectory();
        var layout = new OfflineLayout(dir.Path, TimeZoneInfo.Utc);
        foreach (var bad in new[] { "../abcde", "ABCDEFGH", "abc", "abcdefghi", "abcd/efg", "abcdéfgh", "" })
        {
            Assert.Throws<ArgumentException>(() => layout.GetRunFolder(bad, DateTimeOffset.UnixEpoch), bad);
        }
        Assert.That(OfflineLayout.IsValidRunId("abc123xy"));
    }

    [Test]
    public void FolderName_UsesTheStartInTheLayoutsTimeZone_AndPrefersAnExistingDotWandb()
    {
        using var dir = new TempDirectory();
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");
        var layout = new OfflineLayout(dir.Path, plusTwo);
        var start = new DateTimeOffset(2024, 1, 1, 23, 30, 5, TimeSpan.Zero);

        Assert.That(layout.RunFolderName("abc123xy", start), Is.EqualTo("offline-run-20240102_013005-abc123xy"));
        Assert.That(layout.RunFolderName("abc123xy", start, offline: false), Is.EqualTo("run-20240102_013005-abc123xy"));
        Assert.That(layout.GetRunFolder("abc123xy", start).Path, Is.EqualTo(Path.Combine(dir.Path, "wandb", "offline-run-20240102_013005-abc123xy")));
        Directory.CreateDirectory(Path.Combine(dir.Path, ".wandb"));
        Assert.That(layout.GetRunFolder("abc123xy", start).Path, Is.EqualTo(Path.Combine(dir.Path, ".wandb", "offline-run-20240102_013005-abc123xy")));
        var folder = layout.GetRunFolder("abc123xy", start);
        Assert.That((Path.GetFileName(folder.LogFile), Path.GetFileName(folder.SyncedMarker), folder.IsOffline), Is.EqualTo(("run-abc123xy.wandb", "run-abc123xy.wandb.synced", true)));
    }

    private sealed class FailingStream(int failAfter) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > failAfter)
            {
                throw new IOException("No space left on device");
            }
            base.Write(buffer);
        }
    }
}
