using System.Reflection;
using RxFactorio.RunLog.Proto;

namespace RxFactorio.Wandb;

/// <summary>
/// Who writes a run, as W&amp;B's telemetry record says it: the W&amp;B client version whose wire
/// format rxfactorio follows (<c>cli_version</c>), rxfactorio's own name and version as the code
/// labels, and the platform. It goes into every run record and from there into the config's
/// <c>_wandb.t</c> (wandb-core <c>core/internal/runconfig/runconfig.go</c>, <c>AddInternalData</c>).
/// </summary>
internal static class WandbTelemetry
{
    /// <summary>
    /// The wandb-core version rxfactorio's protocol was checked against (<c>core/internal/version/version.go</c>
    /// of the source read, 2026-08-21). W&amp;B's UI reads <c>cli_version</c> as the writer's W&amp;B version to
    /// know what it supports; rxfactorio's own version is in the labels, never here.
    /// </summary>
    public const string CliVersion = "0.28.3.dev1";

    /// <summary>The label W&amp;B's telemetry uses for the code that wrote the run.</summary>
    public const string CodeString = "rxfactorio";

    /// <summary>rxfactorio's version (the library's informational version, without a build suffix).</summary>
    public static string CodeVersion { get; } = ReadVersion();

    /// <summary>The telemetry record for a run written on <paramref name="platform"/>.</summary>
    /// <param name="platform">The platform string, e.g. <c>rxfactorio/linux-x64</c>.</param>
    public static TelemetryRecord Record(string platform) => new()
    {
        CliVersion = CliVersion,
        Platform = platform,
        Label = new Labels { CodeString = CodeString, CodeVersion = CodeVersion },
    };

    /// <summary>
    /// Writes <paramref name="record"/> as <c>_wandb.t</c>: field numbers as keys, the fields set only,
    /// a message of strings as an object of its set fields (<c>core/internal/corelib/protolib.go</c>,
    /// <c>ProtoEncodeToDict</c>).
    /// </summary>
    /// <param name="writer">The writer, positioned where the value goes.</param>
    /// <param name="record">The run record's telemetry.</param>
    public static void WriteTo(System.Text.Json.Utf8JsonWriter writer, TelemetryRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        WriteSet(writer, "4", record.PythonVersion);
        WriteSet(writer, "5", record.CliVersion);
        if (record.Label is { } label)
        {
            writer.WriteStartObject("9");
            WriteSet(writer, "1", label.CodeString);
            WriteSet(writer, "2", label.RepoString);
            WriteSet(writer, "3", label.CodeVersion);
            writer.WriteEndObject();
        }
        WriteSet(writer, "12", record.CoreVersion);
        WriteSet(writer, "13", record.Platform);
        writer.WriteEndObject();
    }

    private static void WriteSet(System.Text.Json.Utf8JsonWriter writer, string field, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(field, value);
        }
    }

    private static string ReadVersion()
    {
        var assembly = typeof(WandbTelemetry).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
