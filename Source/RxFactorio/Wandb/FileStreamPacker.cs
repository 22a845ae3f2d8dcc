using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

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

    public FileStreamPacker(int maxRequestBytes, int maxLineBytes, JsonSerializerOptions bodyOptions)
    {
        _maxRequestBytes = maxRequestBytes;
        _maxLineBytes = maxLineBytes;
        _encoder = bodyOptions.Encoder ?? JavaScriptEncoder.Default;
    }

    /// <summary>Why a line was dropped.</summary>
    public enum DropReason
    {
        /// <summary>The line is longer than the line limit.</summary>
        LineTooLong,

        /// <summary>The line fits the line limit but not, once JSON-escaped, a request.</summary>
        EscapedTooLong,
    }

    /// <summary>Packs the lines; <paramref name="dropped"/> is called for each dropped line with its file and reason.</summary>
    public List<PreparedRequest> Pack(
        IReadOnlyList<string> historyLines,
        string? summaryLine,
        IReadOnlyList<string> logLines,
        long historyOffset,
        long logOffset,
        Action<string, DropReason, int> dropped)
    {
        var requests = new List<PreparedRequest>();
        var history = new List<string>();
        var log = new List<string>();
        string? summary = null;
        var size = RequestOverhead;

        foreach (var line in historyLines)
        {
            if (Accept(HistoryFile, line, out var cost))
            {
                Add(history, line, cost);
            }
        }
        foreach (var line in logLines)
        {
            if (Accept(OutputFile, line, out var cost))
            {
                Add(log, line, cost);
            }
        }
        if (summaryLine is not null && Accept(SummaryFile, summaryLine, out var summaryCost))
        {
            if (size + summaryCost + FileOverhead > _maxRequestBytes)
            {
                Flush();
            }
            summary = summaryLine;
        }
        Flush();
        return requests;

        bool Accept(string file, string line, out int cost)
        {
            var bytes = Encoding.UTF8.GetByteCount(line);
            if (bytes > _maxLineBytes)
            {
                dropped(file, DropReason.LineTooLong, bytes);
                cost = 0;
                return false;
            }
            cost = EscapedLength(line) + 1;
            if (cost + FileOverhead + RequestOverhead > _maxRequestBytes)
            {
                dropped(file, DropReason.EscapedTooLong, bytes);
                return false;
            }
            return true;
        }

        void Add(List<string> list, string line, int cost)
        {
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
            var files = new Dictionary<string, FileStreamChunk>(3);
            if (history.Count > 0)
            {
                files[HistoryFile] = new FileStreamChunk(historyOffset, history.ToArray());
            }
            if (summary is not null)
            {
                files[SummaryFile] = new FileStreamChunk(0, [summary]);
            }
            if (log.Count > 0)
            {
                files[OutputFile] = new FileStreamChunk(logOffset, log.ToArray());
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

    private int EscapedLength(string line)
    {
        // Escaped string + two quotes.
        var encoded = JsonEncodedText.Encode(line, _encoder);
        return encoded.EncodedUtf8Bytes.Length + 2;
    }
}
