using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.Wandb;

/// <summary>
/// A file_stream body: <c>{}</c> (heartbeat), files with offsets and lines, the run files uploaded, and on
/// the last request <c>complete</c> and <c>exitcode</c>; written by <see cref="FileStreamBody"/> in this order.
/// </summary>
internal sealed record FileStreamRequest
{
    /// <summary>The files' lines, by file name, in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, FileStreamChunk>>? Files { get; init; }

    /// <summary>Run files uploaded since the last request (core/internal/filestream/filestreamrequest.go <c>Uploaded</c>).</summary>
    public IReadOnlyList<string>? Uploaded { get; init; }

    /// <summary><c>complete</c>, on the last request.</summary>
    public bool? Complete { get; init; }

    /// <summary><c>exitcode</c>, on the last request.</summary>
    public int? ExitCode { get; init; }
}

/// <summary>
/// Lines of one file: <c>offset</c> is the 0-based line index of the first element of <c>content</c>, which
/// holds lines <paramref name="First"/> to <paramref name="First"/> + <paramref name="Count"/> - 1 of
/// <paramref name="Lines"/>, already JSON-escaped as the body carries them (escaped once, when read or packed).
/// </summary>
/// <param name="Offset">The file's line index of the first line.</param>
/// <param name="Lines">The escaped lines; the request holds a reference to them.</param>
/// <param name="First">The first of <paramref name="Lines"/> in this chunk.</param>
/// <param name="Count">How many lines.</param>
internal sealed record FileStreamChunk(long Offset, EscapedLines Lines, int First, int Count);

/// <summary>The server's reply; only <c>stopped</c> is used (true when the run was stopped in the UI).</summary>
internal sealed record FileStreamResponse(
    [property: JsonPropertyName("stopped")] bool? Stopped,
    [property: JsonPropertyName("exitcode")] JsonElement? ExitCode,
    [property: JsonPropertyName("limits")] JsonElement? Limits);
