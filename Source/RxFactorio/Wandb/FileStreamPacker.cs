using System.Text;
using System.Text.Encodings.Web;

namespace RxFactorio.Wandb;

/// <summary>One file_stream request, built once so that every retry sends the same bytes.</summary>
/// <param name="Body">The body.</param>
/// <param name="HistoryLines">History lines in it (the history offset advances by this on success).</param>
/// <param name="LogLines">output.log lines in it (the log offset advances by this on success).</param>
internal sealed record PreparedRequest(FileStreamRequest Body, int HistoryLines, int LogLines)
{
    /// <summary>When the newest row in it was completed (its <c>_timestamp</c>), for the delivery lag; <c>null</c> without rows.</summary>
    public DateTimeOffset? NewestRowCompleted { get; init; }
}

/// <summary>
/// Splits a batch's lines into file_stream requests whose bodies stay below the request limit,
/// dropping single lines over the line limit. Offsets are assigned as if every earlier request succeeds.
/// </summary>
internal sealed class FileStreamPacker
{
    public const string HistoryFile = "wandb-history.jsonl";
    public const string SummaryFile = "wandb-summary.json";
    public const string OutputFile = "output.log";

    // Room for {"files":{…},"complete":true,"exitcode":…} and per file "name":{"offset":N,"content":[…]}.
    private const int RequestOverhead = 96;
    private const int FileOverhead = 96;

    private readonly int _maxRequestBytes;
    private readonly int _maxLineBytes;
    private readonly JavaScriptEncoder _encoder;

    public FileStreamPacker(int maxRequestBytes, int maxLineBytes, JavaScriptEncoder encoder)
    {
        _maxRequestBytes = maxRequestBytes;
        _maxLineBytes = maxLineBytes;
        _encoder = encoder;
    }

    /// <summary>The escaping of the lines and of the body around them.</summary>
    public JavaScriptEncoder Encoder => _encoder;

    /// <summary>Why a line was dropped.</summary>
    public enum DropReason
    {
        /// <summary>The line is longer than the line limit.</summary>
        LineTooLong,

        /// <summary>The line fits the line limit but not, once JSON-escaped, a request.</summary>
        EscapedTooLong,
    }

    /// <summary>
    /// Packs the lines (history lines as UTF-8 JSON, e.g. straight from the run log); each is JSON-escaped
    /// once here, for both its size and the body. <paramref name="dropped"/> is called for each dropped line
    /// with its file, reason and length in bytes.
    /// </summary>
    public List<PreparedRequest> Pack(
        IReadOnlyList<ReadOnlyMemory<byte>> historyLines,
        string? summaryLine,
        IReadOnlyList<string> logLines,
        long historyOffset,
        long logOffset,
        Action<string, DropReason, int> dropped)
    {
        var requests = new List<PreparedRequest>();
        var history = new List<JsonStringLiteral>();
        var log = new List<JsonStringLiteral>();
        JsonStringLiteral? summary = null;
        var size = RequestOverhead;

        foreach (var line in historyLines)
        {
            if (Accept(HistoryFile, line.Span, out var encoded))
            {
                Add(history, encoded);
            }
        }
        foreach (var line in logLines)
        {
            if (Accept(OutputFile, Encoding.UTF8.GetBytes(line), out var encoded))
            {
                Add(log, encoded);
            }
        }
        if (summaryLine is not null && Accept(SummaryFile, Encoding.UTF8.GetBytes(summaryLine), out var summaryEncoded))
        {
            if (size + Cost(summaryEncoded) + FileOverhead > _maxRequestBytes)
            {
                Flush();
            }
            summary = summaryEncoded;
        }
        Flush();
        return requests;

        bool Accept(string file, ReadOnlySpan<byte> line, out JsonStringLiteral encoded)
        {
            encoded = default;
            if (line.Length > _maxLineBytes)
            {
                dropped(file, DropReason.LineTooLong, line.Length);
                return false;
            }
            encoded = JsonStringLiteral.Encode(line, _encoder);
            if (Cost(encoded) + FileOverhead + RequestOverhead > _maxRequestBytes)
            {
                dropped(file, DropReason.EscapedTooLong, line.Length);
                return false;
            }
            return true;
        }

        void Add(List<JsonStringLiteral> list, JsonStringLiteral line)
        {
            var cost = Cost(line);
            if (size + cost + (list.Count == 0 ? FileOverhead : 0) > _maxRequestBytes)
            {
                Flush();
            }
            size += cost + (list.Count == 0 ? FileOverhead : 0);
            list.Add(line);
        }

        void Flush()
        {
            if (history.Count == 0 && log.Count == 0 && summary is null)
            {
                return;
            }
            var files = new List<KeyValuePair<string, FileStreamChunk>>(3);
            if (history.Count > 0)
            {
                files.Add(new(HistoryFile, new FileStreamChunk(historyOffset, history.ToArray())));
            }
            if (summary is { } line)
            {
                files.Add(new(SummaryFile, new FileStreamChunk(0, [line])));
            }
            if (log.Count > 0)
            {
                files.Add(new(OutputFile, new FileStreamChunk(logOffset, log.ToArray())));
            }
            requests.Add(new PreparedRequest(new FileStreamRequest { Files = files }, history.Count, log.Count));
            historyOffset += history.Count;
            logOffset += log.Count;
            history.Clear();
            log.Clear();
            summary = null;
            size = RequestOverhead;
        }
    }

    /// <summary>A line's bytes in the body: escaped, in quotes, and a comma.</summary>
    private static int Cost(JsonStringLiteral line) => line.Quoted.Length + 1;
}
