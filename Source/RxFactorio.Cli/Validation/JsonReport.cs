using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.Cli.Validation;

/// <summary>Writes <c>validate --json</c>: one JSON document for all files.</summary>
internal static class JsonReport
{
    public static void Write(TextWriter output, IReadOnlyList<FileValidation> files)
    {
        var report = new ValidationReportDto(
            [.. files.Select(ToDto)],
            files.Sum(f => f.Rejected));
        output.WriteLine(JsonSerializer.Serialize(report, ValidationJsonContext.Default.ValidationReportDto));
    }

    private static FileReportDto ToDto(FileValidation f) => new(
        f.Path,
        f.Lines,
        new EventCountsDto(f.SessionInits, f.Stats, f.GameEvents),
        [.. f.Sessions.Select(s => new SessionDto(s.SessionId, s.FirstTick, s.LastTick, s.FirstCycle, s.LastCycle, s.SessionInits, s.Stats, s.GameEvents))],
        f.Diagnostics.ByReason.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
        [.. f.Diagnostics.First.Select(d => new DiagnosticDto(d.Reason.ToString(), d.Severity.ToString(), d.LineNumber, d.Detail, d.Excerpt))],
        f.Rejected);
}

internal sealed record ValidationReportDto(IReadOnlyList<FileReportDto> Files, long Rejected);

internal sealed record FileReportDto(
    string Path, long Lines, EventCountsDto Events, IReadOnlyList<SessionDto> Sessions,
    IReadOnlyDictionary<string, long> DiagnosticsByReason, IReadOnlyList<DiagnosticDto> Diagnostics, long Rejected);

internal sealed record EventCountsDto(long SessionInit, long Stats, long Event);

internal sealed record SessionDto(string SessionId, long FirstTick, long LastTick, long? FirstCycle, long? LastCycle, long SessionInit, long Stats, long Event);

internal sealed record DiagnosticDto(string Reason, string Severity, long Line, string Detail, string Excerpt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ValidationReportDto))]
internal sealed partial class ValidationJsonContext : JsonSerializerContext;
