using System.Collections.Immutable;
using RxFactorio.RunLog;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;

namespace RxFactorio.Tests.RunLog;

public sealed class RunLogRoundTripTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunInfo Run(string session = "freeplay_216000") => new()
    {
        RunId = "abc123xy",
        DisplayName = session + "_42",
        Key = new RunKey("pipe", session, 1),
        LevelName = "freeplay",
        StartTick = 216000,
    };

    private static HistoryRow Row(long step, params (string Key, double Value)[] values) =>
        new(step, step * 120, (step * 120 - 216000) / 60.0, Start.AddMilliseconds(step * 1500),
            [.. values.Select(v => new KeyValuePair<string, double>(v.Key, v.Value)), new("tick", step * 120)]);

    private static void AssertRows(IReadOnlyList<HistoryRow> actual, IReadOnlyList<HistoryRow> expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That((actual[i].Step, actual[i].Tick, actual[i].Runtime, actual[i].Timestamp), Is.EqualTo((expected[i].Step, expected[i].Tick, expected[i].Runtime, expected[i].Timestamp)), $"row {i}");
            Assert.That(actual[i].Values, Is.EqualTo(expected[i].Values), $"row {i} values");
        }
    }

    [Test]
    public void WrittenRun_ReadsBackIntoTheModel()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-abc123xy.wandb");
        HistoryRow[] rows =
        [
            Row(1801, ("production/iron-plate", 468.75), ("consumption/coal", 210.5)),
            Row(1802, ("production/iron-plate", 2271.66666666666651508421637117862701416015625), ("consumption/coal", 0)),
            Row(1803, ("production/iron-plate", double.NaN), ("power/produced_w", 2.16e7), ("big", 9007199254740993), ("tiny", 1e-300), ("inf", double.NegativeInfinity)),
        ];

        using (var writer = RunLogWriter.Create(path, new RunLogWriterOptions { Entity = "me", Project = "factorio" }))
        {
            writer.WriteRun(Run(), Start);
            writer.WriteHistory(rows[0]);
            writer.WriteHistory(rows[1]);
            writer.WriteOutput("[tick 216240] on_research_finished automation-2 1", Start.AddSeconds(2));
            writer.WriteSummary([new("production/iron-plate", 2271.6666666666665), new("consumption/coal", 0)]);
            writer.WriteHistory(rows[2]);
            writer.WriteOutput("second line", Start.AddSeconds(3));
            writer.WriteSummary([new("production/iron-plate", double.NaN), new("consumption/coal", 0)]);
            writer.WriteExit(0);
            writer.WriteFinal();
        }
        var contents = RunLogReader.Read(path);

        Assert.That((contents.RunId, contents.DisplayName, contents.Entity, contents.Project, contents.StartTime), Is.EqualTo(("abc123xy", "freeplay_216000_42", "me", "factorio", Start)));
        Assert.That(contents.Config, Is.EqualTo(new KeyValuePair<string, string>[] { new("session_id", "\"freeplay_216000\""), new("level_name", "\"freeplay\""), new("start_tick", "216000") }));
        AssertRows(contents.History, rows);
        Assert.That(contents.LogLines, Is.EqualTo(new[] { "[tick 216240] on_research_finished automation-2 1", "second line" }));
        Assert.That(contents.Summary.Select(kv => kv.Key), Is.EqualTo(new[] { "production/iron-plate", "consumption/coal", "_step", "_runtime", "_timestamp" }));
        Assert.That(contents.Summary.First(kv => kv.Key == "_step").Value, Is.EqualTo(1803));
        Assert.That(double.IsNaN(contents.Summary[0].Value));
        Assert.That((contents.ExitCode, contents.HasFinal, contents.IsFinished), Is.EqualTo(((int?)0, true, true)));
        Assert.That((contents.LastRecordNum, contents.RecordCount, contents.UnreadableRecords), Is.EqualTo((12L, 13, 0)), "10 records written, and the two metric definitions after the run record");
        Assert.That(contents.Report.IsClean);
        var info = contents.ToRunInfo()!;
        Assert.That((info.RunId, info.SessionId, info.LevelName, info.StartTick), Is.EqualTo(("abc123xy", "freeplay_216000", "freeplay", 216000L)));
    }

    [Test]
    public void HistoryRecords_CarryStepRuntimeTimestamp_AsWandbExpects()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-abc123xy.wandb");
        using (var writer = RunLogWriter.Create(path))
        {
            writer.WriteRun(Run(), Start);
            writer.WriteHistory(Row(1801, ("production/iron-plate", 0.5)));
        }

        var (records, _) = LevelDbLogReader.ReadAll(path);
        var parsed = records.Select(r => Record.Parser.ParseFrom(r.Payload)).ToList();

        Assert.That(parsed.Select(r => r.RecordTypeCase), Is.EqualTo(new[]
        {
            Record.RecordTypeOneofCase.Header, Record.RecordTypeOneofCase.Run,
            Record.RecordTypeOneofCase.Metric, Record.RecordTypeOneofCase.Metric, Record.RecordTypeOneofCase.History,
        }));
        Assert.That(parsed.Select(r => r.Num), Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }));
        Assert.That(parsed[2].Metric.Name, Is.EqualTo("tick"), "define_metric(\"tick\")");
        Assert.That((parsed[3].Metric.GlobName, parsed[3].Metric.StepMetric, parsed[3].Metric.Options.StepSync), Is.EqualTo(("*", "tick", true)),
            "define_metric(\"*\", step_metric=\"tick\")");
        var history = parsed[4].History;
        Assert.That(history.Step.Num, Is.EqualTo(1801));
        Assert.That(history.Item.Select(i => (i.Key, i.ValueJson)), Is.EqualTo(new[]
        {
            ("_step", "1801"),
            ("_runtime", "2"),
            ("_timestamp", "1772369101.5"),
            ("production/iron-plate", "0.5"),
            ("tick", "216120"),
        }));
        var run = parsed[1].Run;
        Assert.That((run.RunId, run.DisplayName, run.StartTime.Seconds), Is.EqualTo(("abc123xy", "freeplay_216000_42", Start.ToUnixTimeSeconds())));
        Assert.That((run.Telemetry.Label.CodeString, run.Telemetry.CliVersion), Is.EqualTo(("rxfactorio", RxFactorio.Wandb.WandbTelemetry.CliVersion)), "who wrote the log");
    }

    [Test]
    public void UnfinishedRun_ReadsAsNotFinished()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-abc123xy.wandb");
        using (var writer = RunLogWriter.Create(path))
        {
            writer.WriteRun(Run(), Start);
            writer.WriteHistory(Row(1, ("a", 1)));
        }

        var contents = RunLogReader.Read(path);

        Assert.That((contents.ExitCode, contents.HasFinal, contents.IsFinished), Is.EqualTo(((int?)null, false, false)));
    }

    [Test]
    public void Continue_AfterATornWrite_CutsTheTornTail()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-abc123xy.wandb");
        using (var writer = RunLogWriter.Create(path))
        {
            writer.WriteRun(Run(), Start);
            writer.WriteHistory(Row(1, ("a", 1)));
            writer.WriteHistory(Row(2, ("a", 2)));
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        using (var writer = RunLogWriter.Continue(path))
        {
            Assert.That(writer.Existing!.Report.Damage.Single().Kind, Is.EqualTo(LogDamageKind.TruncatedTail));
            writer.WriteHistory(Row(3, ("a", 3)));
        }
        var contents = RunLogReader.Read(path);

        Assert.That(contents.Report.IsClean, contents.Report.ToString());
        Assert.That(contents.History.Select(r => r.Step), Is.EqualTo(new long[] { 1, 3 }));
    }

    [Test]
    public void AckState_RoundTripsAtomically_AndSaysWhatIsPending()
    {
        using var dir = new TempDirectory();
        var log = dir.File("run-abc123xy.wandb");

        Assert.That(RunLogAck.Load(log), Is.EqualTo(new RunLogAck()));
        var ack = new RunLogAck { RunId = "abc123xy", RecordNum = 7, HistoryLines = 5, OutputLines = 2, LastStep = 1805, UpdatedAt = Start };
        ack.Save(log);

        Assert.That(RunLogAck.Load(log), Is.EqualTo(ack));
        Assert.That(File.Exists(log + ".ack.json") && !File.Exists(log + ".ack.json.tmp"));
        Assert.That(File.ReadAllText(log + ".ack.json"), Does.Contain("\"record_num\": 7").And.Contain("\"history_lines\": 5"));
        Assert.That((ack.IsPending(7), ack.IsPending(8)), Is.EqualTo((false, true)));
    }

    [Test]
    public void AckState_Garbage_IsAnIOExceptionNamingTheFile()
    {
        using var dir = new TempDirectory();
        var log = dir.File("run-abc123xy.wandb");
        File.WriteAllText(log + ".ack.json", "{nope");

        var error = Assert.Throws<IOException>(() => RunLogAck.Load(log));
        Assert.That(error!.Message, Does.Contain(log + ".ack.json"));
    }

    [Test]
    public void SyncedMarker_IsAnEmptyFileBesideTheLog()
    {
        using var dir = new TempDirectory();
        var log = dir.File("run-abc123xy.wandb");

        Assert.That(SyncedMarker.IsSynced(log), Is.False);
        SyncedMarker.Mark(log);
        SyncedMarker.Mark(log);
        Assert.That(SyncedMarker.IsSynced(log));
        Assert.That(new FileInfo(log + ".synced").Length, Is.Zero);
        SyncedMarker.Clear(log);
        Assert.That(SyncedMarker.IsSynced(log), Is.False);
    }

    [Test]
    public void HeaderRecord_SerializesToTheDocsBytes()
    {
        Assert.That(Google.Protobuf.MessageExtensions.ToByteArray(new Record { Header = new HeaderRecord() }), Is.EqualTo(new byte[] { 0xAA, 0x01, 0x00 }));
    }
}
