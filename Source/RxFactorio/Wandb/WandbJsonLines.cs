using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RxFactorio.Runs;

namespace RxFactorio.Wandb;

/// <summary>
/// Writes the text of run-file lines and the config JSON string. Doubles are written in
/// shortest round-trip form (integral values without a fraction, e.g. <c>36000</c>), and
/// NaN/±Infinity as the bare tokens W&amp;B accepts.
/// </summary>
internal static class WandbJsonLines
{
    /// <summary>How every line is written (also the history lines written from the run log, <see cref="RunLog.HistoryRecordDecoder"/>).</summary>
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly DateTimeOffset UnixEpoch = DateTimeOffset.UnixEpoch;

    /// <summary><c>{"_step":…,"_runtime":…,"_timestamp":…,&lt;keys&gt;}</c>.</summary>
    public static string HistoryLine(HistoryRow row) => Encoding.UTF8.GetString(HistoryLineUtf8(row));

    /// <summary><see cref="HistoryLine"/> as UTF-8.</summary>
    public static byte[] HistoryLineUtf8(HistoryRow row) => WriteUtf8(w =>
    {
        WriteReservedKeys(w, row.Step, row.Runtime, row.Timestamp);
        foreach (var (key, value) in row.Values.IsDefault ? [] : row.Values.AsSpan())
        {
            if (key is "_step" or "_runtime" or "_timestamp")
            {
                continue;
            }
            WriteNumber(w, key, value);
        }
        WriteJsonValues(w, row.JsonValues.IsDefault ? [] : row.JsonValues, null);
        w.WriteEndObject();
    });

    /// <summary>
    /// W&amp;B's JSON of an image logged from a file, keys in the order <c>Image.to_json</c> writes them
    /// (<c>wandb/sdk/data_types/image.py</c> over <c>Media.to_json</c> in <c>wandb/sdk/data_types/base_types/media.py</c>):
    /// <c>{"_type":"image-file","sha256":…,"size":…,"path":"media/images/…","format":"png","width":…,"height":…}</c>,
    /// the path relative to the run's files folder.
    /// </summary>
    public static string ImageFile(string path, string sha256, long size, int width, int height) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("_type", "image-file");
        w.WriteString("sha256", sha256);
        w.WriteNumber("size", size);
        w.WriteString("path", path);
        w.WriteString("format", "png");
        w.WriteNumber("width", width);
        w.WriteNumber("height", height);
        w.WriteEndObject();
    });

    /// <summary>The whole summary as one line: the latest values, plus <c>_step</c>, <c>_runtime</c>, <c>_timestamp</c> (from <paramref name="lastRow"/>) and <c>_wandb.runtime</c> when known.</summary>
    /// <param name="summary">The latest number of each key.</param>
    /// <param name="jsonSummary">The latest value of each key that is not a number, as raw JSON (an image), or empty.</param>
    /// <param name="lastRow">The last row sent.</param>
    public static string SummaryLine(IReadOnlyList<KeyValuePair<string, double>> summary, IReadOnlyList<KeyValuePair<string, string>> jsonSummary, HistoryRow? lastRow) => Write(w =>
    {
        w.WriteStartObject();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in summary)
        {
            if (keys.Add(key))
            {
                WriteNumber(w, key, value);
            }
        }
        WriteJsonValues(w, jsonSummary, keys);
        if (lastRow is not null)
        {
            if (!keys.Contains("_step"))
            {
                w.WriteNumber("_step", lastRow.Step);
            }
            if (!keys.Contains("_runtime"))
            {
                WriteNumber(w, "_runtime", lastRow.Runtime);
            }
            if (!keys.Contains("_timestamp"))
            {
                WriteNumber(w, "_timestamp", RunLog.JsonNumbers.UnixSeconds(lastRow.Timestamp));
            }
        }
        // NOTE: the run's _runtime in whole seconds, as wandb-core's summary carries it (core/internal/runsummary).
        var runtime = lastRow?.Runtime ?? summary.Where(kv => kv.Key == "_runtime").Select(kv => (double?)kv.Value).LastOrDefault();
        if (!keys.Contains("_wandb") && runtime is { } seconds && double.IsFinite(seconds))
        {
            w.WriteStartObject("_wandb");
            w.WriteNumber("runtime", (long)Math.Floor(seconds));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    /// <summary>
    /// An <c>output.log</c> line in wandb-core's legacy console format
    /// (core/internal/runconsolelogs/runlogschangemodel.go <c>LegacyFormat</c>):
    /// <c>[ERROR ]&lt;UTC time, microseconds, no Z&gt; &lt;text&gt;</c>, where <c>ERROR </c> marks a stderr line
    /// (the frontend parses it). Line breaks in the text become spaces.
    /// </summary>
    public static string LogLine(DateTimeOffset time, string text, bool stderr = false)
    {
        var stamp = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        return (stderr ? "ERROR " : "") + stamp + " " + text.Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>
    /// The config as UpsertBucket's JSON string: every top-level key wrapped as <c>{"value": …}</c>
    /// (<c>null</c> values are left out), then W&amp;B's own <c>_wandb</c> when the run has telemetry:
    /// <c>cli_version</c>, <c>t</c> and <c>m</c>, as wandb-core's <c>AddInternalData</c> adds them
    /// (<c>core/internal/runconfig/runconfig.go</c>).
    /// </summary>
    public static string ConfigJson(IEnumerable<KeyValuePair<string, object?>> config, RunLog.Proto.TelemetryRecord? telemetry = null, RunMetricDefinitions? metrics = null) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (key, value) in config)
        {
            if (value is null || (telemetry is not null && key == "_wandb"))
            {
                continue;
            }
            w.WriteStartObject(key);
            w.WritePropertyName("value");
            WriteValue(w, value);
            w.WriteEndObject();
        }
        if (telemetry is not null)
        {
            w.WriteStartObject("_wandb");
            w.WriteStartObject("value");
            if (telemetry.CliVersion.Length > 0)
            {
                w.WriteString("cli_version", telemetry.CliVersion);
            }
            w.WritePropertyName("t");
            WandbTelemetry.WriteTo(w, telemetry);
            w.WritePropertyName("m");
            if (metrics is null)
            {
                w.WriteStartArray();
                w.WriteEndArray();
            }
            else
            {
                metrics.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: WriteDoubleValue(w, d); break;
            case float f: WriteDoubleValue(w, f); break;
            case decimal m: w.WriteNumberValue(m); break;
            case IFormattable f: w.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }

    /// <summary>Raw JSON values (checked when read from the log: <see cref="RunLog.RunLogReader"/>), each key once.</summary>
    private static void WriteJsonValues(Utf8JsonWriter w, IReadOnlyList<KeyValuePair<string, string>> values, HashSet<string>? written)
    {
        foreach (var (key, json) in values)
        {
            if (key is "_step" or "_runtime" or "_timestamp" || written?.Add(key) == false)
            {
                continue;
            }
            w.WritePropertyName(key);
            w.WriteRawValue(json, skipInputValidation: true);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string key, double value)
    {
        w.WritePropertyName(key);
        WriteDoubleValue(w, value);
    }

    private static void WriteDoubleValue(Utf8JsonWriter w, double value) => RunLog.JsonNumbers.WriteValue(w, value);

    /// <summary>The start of a history line: <c>{"_step":…,"_runtime":…,"_timestamp":…</c>.</summary>
    internal static void WriteReservedKeys(Utf8JsonWriter w, long step, double runtime, DateTimeOffset timestamp)
    {
        w.WriteStartObject();
        w.WriteNumber("_step", step);
        WriteNumber(w, "_runtime", runtime);
        WriteNumber(w, "_timestamp", RunLog.JsonNumbers.UnixSeconds(timestamp));
    }

    private static string Write(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(WriteUtf8(write));

    private static byte[] WriteUtf8(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
