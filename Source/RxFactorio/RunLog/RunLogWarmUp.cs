using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>
/// Runs the run log's first-use code once on a thread-pool thread while a command starts up: a run's records
/// (protobuf messages, the history encoder and its Ryū tables, the chunk checksum) written to memory, and the
/// JSON of its files built as strings. So the JIT compiles them on a core the start-up leaves idle, not on the
/// run stage's thread when the first run starts. Nothing is written to disk, logged or counted; it changes no
/// state anyone reads.
/// </summary>
internal static class RunLogWarmUp
{
    /// <summary>Starts the warm-up in the background and returns at once.</summary>
    public static void Start() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Run(), null);

    private static void Run()
    {
        try
        {
            var now = DateTimeOffset.UnixEpoch;
            var run = new RunInfo { RunId = "warmup00", DisplayName = "warm-up", Key = new RunKey("warm-up", "warm-up", 0), StartTick = 0 };
            using var memory = new MemoryStream();
            using var writer = RunLogWriter.Over(memory);
            writer.WriteRun(run, now);
            writer.WriteHistory(new HistoryRow(1, 120, 2.0, now, [new("production/warm-up", 10.582952105741445), new(ReservedKeys.Tick, 120)]));
            writer.WriteOutput("warm-up", now);
            writer.WriteSummary([new("production/warm-up", 0.5)]);
            writer.WriteExit();
            writer.WriteFinal();
            _ = RunMetadata.Json(run, now, [], null);
            _ = Wandb.WandbJsonLines.SummaryLine(writer.Summary!.Numbers, [.. writer.Summary.Json], null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // NOTE: only a head start: whatever failed here fails again, and is reported, on the real path.
        }
    }
}
