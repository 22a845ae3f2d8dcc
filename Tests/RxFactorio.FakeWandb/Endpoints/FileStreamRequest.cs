using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>A validated file_stream body (docs/wandb-protocol.md §3, FileStreamRequestJSON). All keys are optional; {} is a heartbeat.</summary>
internal sealed record FileStreamRequest(
    IReadOnlyList<(string Name, long Offset, IReadOnlyList<string> Content)> Files,
    bool? Complete,
    int? ExitCode,
    bool? Preempting,
    IReadOnlyList<string> Uploaded,
    int Dropped)
{
    public bool IsHeartbeat => Files.Count == 0 && Complete is null && ExitCode is null && Preempting is null && Uploaded.Count == 0;

    /// <returns>The request, or an error message with 400 (bad shape) or 413 (line over the limit).</returns>
    public static (FileStreamRequest? Request, int Status, string? Error) Parse(JsonNode? body, long maxLineBytes)
    {
        if (body is not JsonObject root)
        {
            return Bad("body must be a JSON object");
        }

        var files = new List<(string, long, IReadOnlyList<string>)>();
        if (root["files"] is { } filesNode)
        {
            if (filesNode is not JsonObject fileMap)
            {
                return Bad("'files' must be an object");
            }

            foreach (var (name, value) in fileMap)
            {
                if (value is not JsonObject file
                    || file["offset"] is not JsonValue offsetValue
                    || !offsetValue.TryGetValue(out long offset)
                    || offset < 0)
                {
                    return Bad($"file '{name}' needs a non-negative integer 'offset'");
                }

                if (file["content"] is not JsonArray content
                    || !content.All(l => l is JsonValue v && v.GetValueKind() == JsonValueKind.String))
                {
                    return Bad($"file '{name}' needs 'content', an array of strings");
                }

                var lines = content.Select(l => l!.GetValue<string>()).ToList();
                if (lines.FirstOrDefault(l => Encoding.UTF8.GetByteCount(l) > maxLineBytes) is { } tooLong)
                {
                    return (null, 413, $"a line of '{name}' is {Encoding.UTF8.GetByteCount(tooLong)} bytes, over {maxLineBytes}");
                }

                files.Add((name, offset, lines));
            }
        }

        if (!TryOptional(root, "complete", out bool? complete)
            || !TryOptional(root, "exitcode", out int? exitCode)
            || !TryOptional(root, "preempting", out bool? preempting)
            || !TryOptional(root, "dropped", out int? dropped))
        {
            return Bad("'complete'/'preempting' must be booleans, 'exitcode'/'dropped' integers");
        }

        var uploaded = new List<string>();
        if (root["uploaded"] is { } uploadedNode)
        {
            if (uploadedNode is not JsonArray array || !array.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String))
            {
                return Bad("'uploaded' must be an array of strings");
            }

            uploaded.AddRange(array.Select(x => x!.GetValue<string>()));
        }

        return (new FileStreamRequest(files, complete, exitCode, preempting, uploaded, dropped ?? 0), 200, null);
    }

    private static (FileStreamRequest?, int, string?) Bad(string message) => (null, 400, message);

    private static bool TryOptional<T>(JsonObject root, string name, out T? value)
        where T : struct
    {
        value = null;
        if (root[name] is null)
        {
            return true;
        }

        if (root[name] is JsonValue v && v.TryGetValue(out T typed))
        {
            value = typed;
            return true;
        }

        return false;
    }
}
