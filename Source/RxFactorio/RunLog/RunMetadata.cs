using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// <c>wandb-metadata.json</c>, what the W&amp;B Overview tab shows: wandb-core writes the run's
/// <c>EnvironmentRecord</c> as protojson with a 2-space indent (core/internal/runenvironment/runenvironment.go
/// <c>ToJSON</c>, fields and JSON names from wandb/proto/wandb_internal.proto). RxFactorio fills the fields that
/// mean something for it: <c>os</c>, <c>startedAt</c> (the run's start), <c>args</c> (secrets masked by
/// <see cref="SecretRedactor.RedactArguments"/>), <c>program</c> (<c>rxfactorio</c>), <c>root</c> (the working
/// directory), <c>host</c>, <c>executable</c>, <c>cpu_count_logical</c>; and adds its own <c>rxfactorio</c>
/// object: <c>version</c>, <c>source</c> (the source's display name, escaped), <c>label</c> (its label, when it has one) and <c>session</c>
/// (<c>session_id</c>, <c>level_name</c>, <c>start_tick</c> from <c>session_init</c>). Written once, when the
/// run is created; a run that continues (a restart, an idle resume) keeps it.
/// </summary>
internal static class RunMetadata
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The metadata of <paramref name="run"/>, started at <paramref name="startTime"/> by this process with <paramref name="args"/>.</summary>
    /// <param name="run">The run.</param>
    /// <param name="startTime">The run's start (the run record's).</param>
    /// <param name="args">The command line without the program (masked here).</param>
    /// <param name="host">The host name the run records carry.</param>
    public static string Json(RunInfo run, DateTimeOffset startTime, IReadOnlyList<string> args, string? host)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("os", RuntimeInformation.OSDescription);
            w.WriteString("startedAt", startTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartArray("args");
            foreach (var arg in SecretRedactor.RedactArguments(args))
            {
                w.WriteStringValue(Text(arg));
            }
            w.WriteEndArray();
            w.WriteString("program", "rxfactorio");
            w.WriteString("root", Text(Environment.CurrentDirectory));
            if (!string.IsNullOrEmpty(host))
            {
                w.WriteString("host", Text(host));
            }
            if (Environment.ProcessPath is { } executable)
            {
                w.WriteString("executable", Text(executable));
            }
            w.WriteNumber("cpu_count_logical", Environment.ProcessorCount);
            w.WriteStartObject("rxfactorio");
            w.WriteString("version", WandbTelemetry.CodeVersion);
            w.WriteString("source", Printable.Of(run.Key.Source, 200));
            if (run.SourceLabel is { } label)
            {
                w.WriteString("label", Text(label));
            }
            w.WriteStartObject("session");
            w.WriteString("session_id", Text(run.SessionId));
            if (run.LevelName is { } level)
            {
                w.WriteString("level_name", Text(level));
            }
            w.WriteNumber("start_tick", run.StartTick);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Text(string text) => RunLogJson.WellFormed(text);
}
