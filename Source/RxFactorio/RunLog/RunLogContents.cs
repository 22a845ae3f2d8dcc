using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>What a run's <c>.wandb</c> log holds, read back into RxFactorio's model (for <c>sync</c> and for checks).</summary>
internal sealed record RunLogContents
{
    /// <summary>The log file.</summary>
    public required string Path { get; init; }

    /// <summary>The run id from the first run record; <c>null</c> when the log has none (sync cannot upload it).</summary>
    public string? RunId { get; init; }

    /// <summary>The display name from the first run record.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The entity from the run record; <c>null</c> when not set.</summary>
    public string? Entity { get; init; }

    /// <summary>The project from the run record; <c>null</c> when not set.</summary>
    public string? Project { get; init; }

    /// <summary>Tags, group, notes, job type and host from the first run record (empty in logs written before they were kept).</summary>
    public RunAttributes Attributes { get; init; } = RunAttributes.None;

    /// <summary>The run's start time from the run record.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>The run's config: key and JSON text of the value, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; init; } = [];

    /// <summary>The history rows, in file order. <c>Tick</c> is the row's <c>tick</c> value (0 without one).</summary>
    public IReadOnlyList<HistoryRow> History { get; init; } = [];

    /// <summary>How many history rows the log holds (also when <see cref="RunLogReader.Scan(string)"/> kept only the last).</summary>
    public long HistoryCount { get; init; }

    /// <summary>The console output lines, in order, without their newlines.</summary>
    public IReadOnlyList<string> LogLines { get; init; } = [];

    /// <summary>The summary after the last summary record: every key's latest value, including <c>_step</c>, <c>_runtime</c>, <c>_timestamp</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Summary { get; init; } = [];

    /// <summary>The latest summary values that are JSON objects (the run's latest image), by key.</summary>
    public IReadOnlyDictionary<string, string> SummaryJson { get; init; } = new Dictionary<string, string>();

    /// <summary>The exit code of the last exit record; <c>null</c> when the run has none (it did not finish, or is still running).</summary>
    public int? ExitCode { get; init; }

    /// <summary>Whether a final record follows the last exit record.</summary>
    public bool HasFinal { get; init; }

    /// <summary>Whether the run finished: its log ends with an exit record and a final record.</summary>
    public bool IsFinished => ExitCode is not null && HasFinal;

    /// <summary>The highest record <c>num</c> in the log.</summary>
    public long LastRecordNum { get; init; }

    /// <summary>How many records were read (intact chunks that parsed as records).</summary>
    public int RecordCount { get; init; }

    /// <summary>Intact records whose bytes did not parse as a W&amp;B record (skipped).</summary>
    public int UnreadableRecords { get; init; }

    /// <summary>What the framing reader skipped, where and why.</summary>
    public required LogReadReport Report { get; init; }

    /// <summary>The run's identity as a <see cref="RunInfo"/>: source <c>"runlog"</c>, generation 0, session id, level name, start tick and source label from the config, and its attributes.</summary>
    public RunInfo? ToRunInfo()
    {
        if (RunId is null)
        {
            return null;
        }
        string? Text(string key) => Config.Where(c => c.Key == key).Select(c => RunLogJson.ParseString(c.Value)).LastOrDefault();
        var startTick = Config.Where(c => c.Key == "start_tick").Select(c => RunLogJson.ParseNumber(c.Value)).LastOrDefault();
        return new RunInfo
        {
            RunId = RunId,
            DisplayName = DisplayName ?? RunId,
            Key = new RunKey("runlog", Text("session_id") ?? "", 0),
            LevelName = Text("level_name"),
            SourceLabel = Text("source"),
            Attributes = Attributes,
            StartTick = (long)(startTick ?? 0),
        };
    }
}
