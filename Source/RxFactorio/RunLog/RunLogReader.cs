using System.Collections.Immutable;
using Google.Protobuf;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>Reads a run's <c>.wandb</c> log back: run identity, history, output, summary, whether it finished.</summary>
internal static class RunLogReader
{
    /// <summary>Reads the whole log. Damaged parts are skipped and reported in <see cref="RunLogContents.Report"/>.</summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <exception cref="InvalidDataException">The file is not a W&amp;B transaction log (bad header).</exception>
    /// <exception cref="IOException">The file cannot be read; the message names the path.</exception>
    public static RunLogContents Read(string path) => Read(path, keepHistory: true);

    /// <summary>
    /// Reads the log like <see cref="Read(string)"/> but keeps only the last history row and no
    /// log lines, so that a long run costs no memory: what recovery and a continuing writer need.
    /// </summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <exception cref="InvalidDataException">The file is not a W&amp;B transaction log (bad header).</exception>
    /// <exception cref="IOException">The file cannot be read; the message names the path.</exception>
    public static RunLogContents Scan(string path) => Read(path, keepHistory: false, output: null);

    /// <summary>Like <see cref="Scan(string)"/>, and hands every console output line to <paramref name="output"/>, in order, with whether it is a stderr line.</summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <param name="output">Gets each line (without its newline) and true for stderr.</param>
    /// <exception cref="InvalidDataException">The file is not a W&amp;B transaction log (bad header).</exception>
    /// <exception cref="IOException">The file cannot be read; the message names the path.</exception>
    public static RunLogContents Scan(string path, Action<string, bool> output) => Read(path, keepHistory: false, output);

    private static RunLogContents Read(string path, bool keepHistory, Action<string, bool>? output = null)
    {
        using var reader = LevelDbLogReader.Open(path);
        string? runId = null, displayName = null, entity = null, project = null;
        DateTimeOffset? startTime = null;
        var attributes = RunAttributes.None;
        var config = new List<KeyValuePair<string, string>>();
        var history = new List<HistoryRow>();
        var lines = new List<string>();
        var summary = new SummaryFold();
        int? exitCode = null;
        var hasFinal = false;
        long lastNum = 0;
        var count = 0;
        long rows = 0;
        var unreadable = 0;

        var decoder = new HistoryRecordDecoder();
        byte[]? lastHistory = null;
        foreach (var logRecord in reader.ReadRecords())
        {
            // NOTE: history records (nearly all of a log) are read from their bytes; a scan decodes only the last one.
            if (HistoryRecordDecoder.IsHistory(logRecord.Payload, out var historyNum))
            {
                if (keepHistory)
                {
                    if (Row(decoder, logRecord.Payload) is not { } row)
                    {
                        unreadable++;
                        continue;
                    }
                    history.Add(row);
                }
                else
                {
                    lastHistory = logRecord.Payload;
                }
                count++;
                lastNum = Math.Max(lastNum, historyNum);
                rows++;
                exitCode = null;
                hasFinal = false;
                continue;
            }
            if (TryParse(logRecord.Payload) is not { } record)
            {
                unreadable++;
                continue;
            }
            count++;
            lastNum = Math.Max(lastNum, record.Num);
            switch (record.RecordTypeCase)
            {
                case Record.RecordTypeOneofCase.Run:
                    var run = record.Run;
                    if (runId is null)
                    {
                        runId = run.RunId;
                        displayName = run.DisplayName;
                        entity = NullIfEmpty(run.Entity);
                        project = NullIfEmpty(run.Project);
                        startTime = run.StartTime?.ToDateTimeOffset();
                        attributes = Attributes(run);
                    }
                    if (run.Config is not null)
                    {
                        ApplyConfig(config, run.Config);
                    }
                    break;
                case Record.RecordTypeOneofCase.Config:
                    ApplyConfig(config, record.Config);
                    break;

                case Record.RecordTypeOneofCase.Summary:
                    summary.Apply(record.Summary);
                    break;
                case Record.RecordTypeOneofCase.OutputRaw when keepHistory || output is not null:
                    Output(record.OutputRaw.Line, IsStderr(record.OutputRaw));
                    break;
                case Record.RecordTypeOneofCase.Output when keepHistory || output is not null:
                    Output(record.Output.Line, IsStderr(record.Output));
                    break;
                case Record.RecordTypeOneofCase.Exit:
                    exitCode = record.Exit.ExitCode;
                    hasFinal = false;
                    break;
                case Record.RecordTypeOneofCase.Final:
                    hasFinal = exitCode is not null;
                    break;
            }
            if (record.RecordTypeCase is not (Record.RecordTypeOneofCase.Exit or Record.RecordTypeOneofCase.Final or Record.RecordTypeOneofCase.Footer))
            {
                // NOTE: an exit ends the run only when nothing but final/footer records follows it.
                exitCode = null;
                hasFinal = false;
            }
        }

        if (lastHistory is not null && Row(decoder, lastHistory) is { } last)
        {
            history.Add(last);
        }

        void Output(string text, bool stderr)
        {
            if (output is null)
            {
                AddLines(lines, text);
                return;
            }
            var part = new List<string>();
            AddLines(part, text);
            foreach (var line in part)
            {
                output(line, stderr);
            }
        }

        return new RunLogContents
        {
            Path = path,
            RunId = runId,
            DisplayName = displayName,
            Entity = entity,
            Project = project,
            StartTime = startTime,
            Attributes = attributes,
            Config = config,
            History = history,
            HistoryCount = rows,
            LogLines = lines,
            Summary = summary.Numbers,
            SummaryJson = summary.Json,
            ExitCode = exitCode,
            HasFinal = hasFinal,
            LastRecordNum = lastNum,
            RecordCount = count,
            UnreadableRecords = unreadable,
            Report = reader.Report,
        };
    }

    /// <summary>The log's intact records parsed as W&amp;B records, with where each lies; records that do not parse are skipped.</summary>
    internal static IEnumerable<(LogRecord Log, Record Record)> ReadRecords(LevelDbLogReader reader, Action? unreadable = null)
    {
        foreach (var logRecord in reader.ReadRecords())
        {
            if (TryParse(logRecord.Payload) is not { } record)
            {
                unreadable?.Invoke();
                continue;
            }
            yield return (logRecord, record);
        }
    }

    /// <summary>A log record's bytes parsed as a W&amp;B record; <c>null</c> when they do not parse.</summary>
    internal static Record? TryParse(byte[] payload)
    {
        try
        {
            return Record.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>
    /// Who wrote the log, from its first run record: <c>null</c> for rxfactorio (its telemetry label,
    /// or the <c>rxfactorio/…</c> platform of logs written before the label), otherwise a short
    /// description such as <c>wandb 0.19.1</c>. A log without a run record is nobody's: <c>null</c>.
    /// </summary>
    /// <param name="path">The <c>run-&lt;id&gt;.wandb</c> file.</param>
    /// <exception cref="InvalidDataException">The file is not a W&amp;B transaction log (bad header).</exception>
    /// <exception cref="IOException">The file cannot be read; the message names the path.</exception>
    public static string? ForeignWriter(string path)
    {
        using var reader = LevelDbLogReader.Open(path);
        foreach (var (_, record) in ReadRecords(reader))
        {
            if (record.RecordTypeCase != Record.RecordTypeOneofCase.Run)
            {
                continue;
            }
            var telemetry = record.Run.Telemetry;
            if (telemetry?.Label?.CodeString == Wandb.WandbTelemetry.CodeString || telemetry?.Platform.StartsWith("rxfactorio/", StringComparison.Ordinal) == true)
            {
                return null;
            }
            var version = telemetry?.CliVersion is { Length: > 0 } v ? " " + Diagnostics.Printable.Of(v, 40) : "";
            var label = telemetry?.Label?.CodeString is { Length: > 0 } code ? $" ({Diagnostics.Printable.Of(code, 40)})" : "";
            return $"wandb{version}{label}";
        }
        return null;
    }

    /// <summary>A history record's row: read from its bytes, else parsed; <c>null</c> when its bytes do not parse.</summary>
    private static HistoryRow? Row(HistoryRecordDecoder decoder, byte[] payload)
    {
        if (decoder.TryDecode(payload, out _, out var row))
        {
            return row;
        }
        return TryParse(payload) is { } record ? ToRow(record.History) : null;
    }

    internal static HistoryRow ToRow(HistoryRecord history)
    {
        var fields = new HistoryRowFields(history.Step?.Num ?? 0);
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>(history.Item.Count);
        ImmutableArray<KeyValuePair<string, string>>.Builder? json = null;
        foreach (var item in history.Item)
        {
            var key = ItemKey(item.Key, item.NestedKey);
            if (RunLogJson.ParseNumber(item.ValueJson) is not { } value)
            {
                if (!key.StartsWith('_') && IsJsonObject(item.ValueJson))
                {
                    (json ??= ImmutableArray.CreateBuilder<KeyValuePair<string, string>>()).Add(new(key, item.ValueJson));
                }
                continue;
            }
            if (!fields.Take(key, value))
            {
                values.Add(new(key, value));
            }
        }
        return new HistoryRow(fields.Step, fields.Tick, fields.Runtime, fields.Timestamp, values.DrainToImmutable()) { JsonValues = json?.DrainToImmutable() ?? [] };
    }

    /// <summary>Whether <paramref name="json"/> is one well-formed JSON object (an image), so it can be sent as it is.</summary>
    internal static bool IsJsonObject(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static void ApplyConfig(List<KeyValuePair<string, string>> config, ConfigRecord record)
    {
        foreach (var item in record.Update)
        {
            var key = ItemKey(item.Key, item.NestedKey);
            config.RemoveAll(c => c.Key == key);
            config.Add(new(key, item.ValueJson));
        }
        foreach (var item in record.Remove)
        {
            var key = ItemKey(item.Key, item.NestedKey);
            config.RemoveAll(c => c.Key == key);
        }
    }

    internal static void AddLines(List<string> lines, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            lines.Add(line.TrimEnd('\r'));
        }
        if (text.EndsWith('\n'))
        {
            lines.RemoveAt(lines.Count - 1);
        }
    }

    /// <summary>Whether an output record is the stderr stream's (wandb-core prefixes those lines with <c>ERROR </c>).</summary>
    internal static bool IsStderr(OutputRawRecord record) => record.OutputType == OutputRawRecord.Types.OutputType.Stderr;

    /// <summary>Whether an output record is the stderr stream's.</summary>
    internal static bool IsStderr(OutputRecord record) => record.OutputType == OutputRecord.Types.OutputType.Stderr;

    internal static string ItemKey(string key, IList<string> nestedKey) => nestedKey.Count > 0 ? string.Join('.', nestedKey) : key;

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    /// <summary>Tags, group, notes, job type and host of a run record.</summary>
    internal static RunAttributes Attributes(RunRecord run) => new()
    {
        Tags = [.. run.Tags],
        Group = NullIfEmpty(run.RunGroup),
        Notes = NullIfEmpty(run.Notes),
        JobType = NullIfEmpty(run.JobType),
        Host = NullIfEmpty(run.Host),
    };
}
