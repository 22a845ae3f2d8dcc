using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>
/// Writes one run's W&amp;B transaction log (<c>run-&lt;id&gt;.wandb</c>): a header, the run record,
/// then history, summary and output records as they come, then exit and final. The records are
/// the ones <c>wandb sync</c> needs (docs/wandb-protocol.md §7): every history record carries
/// <c>_step</c>, <c>_runtime</c> and <c>_timestamp</c>, and summaries carry <c>_step</c>, because
/// sync sends records as they are. Records are numbered 1, 2, … Not thread-safe.
/// </summary>
internal sealed class RunLogWriter : IDisposable
{
    private readonly LevelDbLogWriter _log;
    private readonly RunLogWriterOptions _options;
    private readonly HistoryRecordEncoder _history = new();
    private HistoryRow? _lastRow;
    private readonly SummaryFold? _summary;

    private RunLogWriter(LevelDbLogWriter log, RunLogWriterOptions options, long lastRecordNum, RunLogContents? existing)
    {
        _log = log;
        _options = options;
        LastRecordNum = lastRecordNum;
        Existing = existing;
        _summary = existing is null ? new SummaryFold() : null;
        if (existing?.History.Count > 0)
        {
            _lastRow = existing.History[^1];
        }
    }

    /// <summary>The log file.</summary>
    public string Path => _log.Path!;

    /// <summary>The <c>num</c> of the last record written (0 before the first numbered record).</summary>
    public long LastRecordNum { get; private set; }

    /// <summary>The log's size so far, in bytes.</summary>
    public long Length => _log.Position;

    /// <summary>When the log was reopened with <see cref="Continue"/>: what it held then (without its rows). <c>null</c> for a new log.</summary>
    public RunLogContents? Existing { get; }

    /// <summary>
    /// For a log this writer created: its summary so far, as a reader of the log would find it (so the run's
    /// files can be written without reading the log back); <c>null</c> for a log reopened with <see cref="Continue"/>.
    /// </summary>
    public SummaryFold? Summary => _summary;

    /// <summary>The last history row written (or found when resuming).</summary>
    public HistoryRow? LastRow => _lastRow;

    /// <summary>Creates a new log (the file must not exist) and writes its header record.</summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <param name="options">Entity, project, durability; <c>null</c> uses the defaults.</param>
    /// <exception cref="IOException">The file exists or cannot be written; the message names the path.</exception>
    public static RunLogWriter Create(string path, RunLogWriterOptions? options = null)
    {
        options ??= new RunLogWriterOptions();
        var log = LevelDbLogWriter.Create(path, options.Durable);
        try
        {
            return Begin(log, options);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>A new log written to <paramref name="stream"/> (left open), as <see cref="Create"/> writes a file.</summary>
    /// <param name="stream">A writable, empty stream.</param>
    /// <param name="options">Entity, project, durability; <c>null</c> uses the defaults.</param>
    internal static RunLogWriter Over(Stream stream, RunLogWriterOptions? options = null) =>
        Begin(new LevelDbLogWriter(stream, leaveOpen: true), options ?? new RunLogWriterOptions());

    private static RunLogWriter Begin(LevelDbLogWriter log, RunLogWriterOptions options)
    {
        var writer = new RunLogWriter(log, options, 0, null);
        // §7: the header record; the one-record test vector is exactly this record (AA 01 00).
        writer.Append(new Record { Header = new HeaderRecord() }, numbered: false);
        return writer;
    }

    /// <summary>
    /// Reopens an existing log to append to it as it is: only a torn tail (a record half written
    /// when the process died) is cut off; exit and final records stay, and a sender that follows
    /// the log finishes the run there and continues it with what comes after. New records are
    /// numbered after the highest number in the file. Reads the log without keeping its rows.
    /// </summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <param name="options">Entity, project, durability; <c>null</c> uses the defaults.</param>
    /// <exception cref="InvalidDataException">The file is not a W&amp;B transaction log.</exception>
    /// <exception cref="IOException">The file cannot be read or written; the message names the path.</exception>
    public static RunLogWriter Continue(string path, RunLogWriterOptions? options = null)
    {
        options ??= new RunLogWriterOptions();
        var existing = RunLogReader.Scan(path);
        var log = LevelDbLogWriter.OpenAppend(path, existing.Report.AppendOffset, options.Durable);
        return new RunLogWriter(log, options, existing.LastRecordNum, existing);
    }

    /// <summary>
    /// Writes the run record (ids, display name, config, start time, telemetry; §7: required before any
    /// data record), then the metric definitions of <see cref="Wandb.GameTimeAxis"/>.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="startTime">When the run started (wall clock).</param>
    /// <param name="resumed">Whether this run record continues a run that exists on W&amp;B.</param>
    public void WriteRun(RunInfo run, DateTimeOffset startTime, bool resumed = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        var attributes = _options.Attributes.WithSourceLabel(run.SourceLabel, _options.LabelAs);
        var record = new RunRecord
        {
            RunId = run.RunId,
            DisplayName = RunLogJson.WellFormed(run.DisplayName),
            Entity = _options.Entity ?? "",
            Project = _options.Project ?? "",
            StartTime = Timestamp.FromDateTimeOffset(startTime),
            Resumed = resumed,
            Config = new ConfigRecord(),
            Telemetry = Wandb.WandbTelemetry.Record(_options.Platform),
            RunGroup = RunLogJson.WellFormed(attributes.Group ?? ""),
            JobType = RunLogJson.WellFormed(attributes.JobType ?? ""),
            Notes = RunLogJson.WellFormed(attributes.Notes ?? ""),
            Host = RunLogJson.WellFormed(attributes.Host ?? ""),
        };
        foreach (var tag in attributes.Tags.IsDefault ? [] : attributes.Tags)
        {
            record.Tags.Add(RunLogJson.WellFormed(tag));
        }
        foreach (var (key, value) in run.Config)
        {
            record.Config.Update.Add(new ConfigItem { Key = key, ValueJson = RunLogJson.Value(value is string s ? RunLogJson.WellFormed(s) : value) });
        }
        Append(new Record { Run = record });
        foreach (var definition in Wandb.GameTimeAxis.Definitions)
        {
            Append(new Record { Metric = definition.Clone() });
        }
    }

    /// <summary>Writes one history row: <c>_step</c>, <c>_runtime</c>, <c>_timestamp</c> and every value, with <c>step.num</c> set.</summary>
    /// <param name="row">The row.</param>
    public void WriteHistory(HistoryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        // NOTE: encoded straight to bytes (the values formatted once); the same bytes as the generated message.
        _log.Append(_history.Encode(++LastRecordNum, row));
        _lastRow = row;
    }

    /// <summary>
    /// Writes the run's summary: every value given, plus <c>_step</c>, <c>_runtime</c> and
    /// <c>_timestamp</c> of the last row (sync does not derive the summary from history, §7).
    /// </summary>
    /// <param name="values">The latest value of every key.</param>
    /// <param name="jsonValues">The latest value of every key that is not a number (an image), as JSON; <c>null</c> = none.</param>
    /// <returns>The items written: key and JSON text, e.g. for <c>files/wandb-summary.json</c>.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> WriteSummary(IEnumerable<KeyValuePair<string, double>> values, IEnumerable<KeyValuePair<string, string>>? jsonValues = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var summary = new SummaryRecord();
        foreach (var (key, value) in values)
        {
            summary.Update.Add(new SummaryItem { Key = RunLogJson.WellFormed(key), ValueJson = RunLogJson.Number(value) });
        }
        foreach (var (key, json) in jsonValues ?? [])
        {
            summary.Update.Add(new SummaryItem { Key = RunLogJson.WellFormed(key), ValueJson = json });
        }
        if (_lastRow is { } last)
        {
            summary.Update.Add(new SummaryItem { Key = "_step", ValueJson = last.Step.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            summary.Update.Add(new SummaryItem { Key = "_runtime", ValueJson = RunLogJson.Number(last.Runtime) });
            summary.Update.Add(new SummaryItem { Key = "_timestamp", ValueJson = RunLogJson.Number(JsonNumbers.UnixSeconds(last.Timestamp)) });
        }
        Append(new Record { Summary = summary });
        _summary?.Apply(summary);
        return [.. summary.Update.Select(i => new KeyValuePair<string, string>(i.Key, i.ValueJson))];
    }

    /// <summary>Writes one line of the run's console output (<c>output.log</c>) as an <c>output_raw</c> record ending in a newline.</summary>
    /// <param name="line">The line, without a newline.</param>
    /// <param name="timestamp">When it was logged.</param>
    /// <param name="stderr">An error line: the record's stream is stderr (W&amp;B prefixes it with <c>ERROR </c>).</param>
    public void WriteOutput(string line, DateTimeOffset timestamp, bool stderr = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        Append(new Record
        {
            OutputRaw = new OutputRawRecord
            {
                OutputType = stderr ? OutputRawRecord.Types.OutputType.Stderr : OutputRawRecord.Types.OutputType.Stdout,
                Timestamp = Timestamp.FromDateTimeOffset(timestamp),
                Line = RunLogJson.WellFormed(line) + "\n",
            },
        });
    }

    /// <summary>Writes the exit record (§7: exit code 0 = finished; without one, sync marks the run failed).</summary>
    /// <param name="exitCode">0 for a finished run.</param>
    /// <param name="runtime">The run's duration; <c>null</c> uses the last row's <c>_runtime</c>.</param>
    public void WriteExit(int exitCode = 0, TimeSpan? runtime = null)
    {
        var seconds = runtime?.TotalSeconds ?? _lastRow?.Runtime ?? 0;
        Append(new Record { Exit = new RunExitRecord { ExitCode = exitCode, Runtime = (int)Math.Clamp(Math.Round(seconds), 0, int.MaxValue) } });
    }

    /// <summary>Writes the final record (§7: <c>wandb sync --legacy</c> sends the exit only once it sees it).</summary>
    public void WriteFinal() => Append(new Record { Final = new FinalRecord() });

    /// <summary>Hands what was written to the operating system (and to disk when <see cref="RunLogWriterOptions.Durable"/>).</summary>
    public void Flush() => _log.Flush();

    /// <summary>Flushes and closes the log.</summary>
    public void Dispose() => _log.Dispose();

    internal void Append(Record record, bool numbered = true)
    {
        if (numbered)
        {
            record.Num = ++LastRecordNum;
        }
        _log.Append(record.ToByteArray());
    }
}
