using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.Wandb;

/// <summary>A file_stream body: <c>{}</c> (heartbeat), files with offsets and lines, the run files uploaded, and on the last request <c>complete</c> and <c>exitcode</c>.</summary>
internal sealed record FileStreamRequest
{
    [JsonPropertyName("files")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, FileStreamChunk>? Files { get; init; }

    /// <summary>Run files uploaded since the last request (core/internal/filestream/filestreamrequest.go <c>Uploaded</c>).</summary>
    [JsonPropertyName("uploaded")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Uploaded { get; init; }

    [JsonPropertyName("complete")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Complete { get; init; }

    [JsonPropertyName("exitcode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ExitCode { get; init; }
}

/// <summary>Lines of one file: <c>offset</c> is the 0-based line index of the first element of <c>content</c>.</summary>
internal sealed record FileStreamChunk(
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("content")] IReadOnlyList<string> Content);

/// <summary>The server's reply; only <c>stopped</c> is used (true when the run was stopped in the UI).</summary>
internal sealed record FileStreamResponse(
    [property: JsonPropertyName("stopped")] bool? Stopped,
    [property: JsonPropertyName("exitcode")] JsonElement? ExitCode,
    [property: JsonPropertyName("limits")] JsonElement? Limits);
