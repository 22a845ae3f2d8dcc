using RxFactorio.RunLog;
using RxFactorio.Runs;

namespace RxFactorio.Tests.RunLog;

/// <summary>A run folder's files/ rebuilt from its run log: what a crash cut short comes back.</summary>
public sealed class RunFilesTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void RebuildFromLog_AfterACrashBetweenLogAndFiles_WritesWhatTheLogHolds()
    {
        using var dir = new TempDirectory();
        var folder = new OfflineLayout(dir.Path, TimeZoneInfo.Utc).CreateRunFolder("abc123xy", Start);
        var run = new RunInfo { RunId = "abc123xy", DisplayName = "s_1", Key = new RunKey("pipe", "s", 1), LevelName = "freeplay", StartTick = 36000 };
        using (var writer = RunLogWriter.Create(folder.LogFile))
        {
            writer.WriteRun(run, Start);
            writer.WriteHistory(new HistoryRow(1, 36120, 2, Start.AddSeconds(2), [new("tick", 36120), new("production/coal", 4.5)]));
            writer.WriteOutput("[tick 36060] on_research_finished automation", Start);
            writer.WriteOutput("pipe:3: StaleCycle: cycle 0 is not after step 1", Start, stderr: true);
            writer.WriteSummary([new("production/coal", 4.5), new("tick", 36120)]);
            writer.WriteExit();
            writer.WriteFinal();
        }
        // The process died after the first line reached output.log, before the summary file was written.
        File.WriteAllText(folder.OutputLog, "[tick 36060] on_research_finished automation\n");

        RunFiles.RebuildFromLog(folder);

        Assert.That(File.ReadAllText(folder.OutputLog), Is.EqualTo(
            "[tick 36060] on_research_finished automation\npipe:3: StaleCycle: cycle 0 is not after step 1\n"),
            "every line, stderr ones as text only (outputfilewriter.go)");
        Assert.That(File.ReadAllText(folder.SummaryFile), Is.EqualTo(
            """{"production/coal":4.5,"tick":36120,"_step":1,"_runtime":2,"_timestamp":1772366402,"_wandb":{"runtime":2}}"""));
        Assert.That(File.ReadAllText(folder.ConfigFile), Is.EqualTo(
            "level_name:\n    value: \"freeplay\"\nsession_id:\n    value: \"s\"\nstart_tick:\n    value: 36000\n"));
        Assert.That(Directory.GetFiles(folder.FilesDirectory, "*.tmp"), Is.Empty, "no temporary file is left");
    }
}
