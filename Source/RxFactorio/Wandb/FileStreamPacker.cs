using System.Buffers;
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

    /// <summary>Gives back the request's references to its escaped lines: once it is sent, or dropped.</summary>
    public void Release()
    {
        foreach (var (_, chunk) in Body.Files ?? [])
        {
            chunk.Lines.Release();
        }
    }
}

/// <summary>
/// Escapes lines once (<see cref="TryAdd"/>), dropping single lines over the line limit, and splits them into
/// file_stream requests whose bodies stay below the request limit (<see cref="Pack"/>). Offsets are assigned
/// as if every earlier request succeeds.
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
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);

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

    /// <summary>Escapes <paramref name="line"/> (UTF-8) into <paramref name="lines"/>, unless it is too long for a request.</summary>
    /// <param name="lines">Where the escaped line goes.</param>
    /// <param name="line">The line.</param>
    /// <returns><c>null</c> when added; else why not (nothing is added).</returns>
    public DropReason? TryAdd(EscapedLines lines, ReadOnlySpan<byte> line)
    {
        if (line.Length > _maxLineBytes)
        {
            return DropReason.LineTooLong;
        }
        _scratch.ResetWrittenCount();
        var quoted = JsonStringLiteral.Write(_scratch, line, _encoder);
        if (quoted + 1 + FileOverhead + RequestOverhead > _maxRequestBytes)
        {
            return DropReason.EscapedTooLong;
        }
        lines.Add(_scratch.WrittenSpan);
        return null;
    }

    /// <summary>
    /// Packs the history lines (escaped already, e.g. as they were read from the run log), the summary
    /// line and the log lines (escaped here) into requests. <paramref name="dropped"/> is called for each
    /// dropped summary or log line with its file, reason and length in bytes. Each request holds a
    /// reference to <paramref name="history"/> (see <see cref="PreparedRequest.Release"/>).
    /// </summary>
    public List<PreparedRequest> Pack(
        EscapedLines history,
        string? summaryLine,
        IReadOnlyList<string> logLines,
        long historyOffset,
        long logOffset,
        Action<string, DropReason, int> dropped)
    {
        var log = new EscapedLines();
        var summary = new EscapedLines();
        try
        {
            foreach (var line in logLines)
            {
                Add(log, OutputFile, Encoding.UTF8.GetBytes(line));
            }
            if (summaryLine is not null)
            {
                Add(summary, SummaryFile, Encoding.UTF8.GetBytes(summaryLine));
            }
            return Split(history, summary, log, historyOffset, logOffset);
        }
        finally
        {
            log.Release();
            summary.Release();
        }

        void Add(EscapedLines lines, string file, byte[] line)
        {
            if (TryAdd(lines, line) is { } reason)
            {
                dropped(file, reason, line.Length);
            }
        }
    }

    private List<PreparedRequest> Split(EscapedLines history, EscapedLines summary, EscapedLines log, long historyOffset, long logOffset)
    {
        var requests = new List<PreparedRequest>();
        var size = RequestOverhead;
        int historyFirst = 0, historyCount = 0, logFirst = 0, logCount = 0;
        var withSummary = false;
        for (var i = 0; i < history.Count; i++)
        {
            Take(history.Cost(i), historyCount == 0);
            historyCount++;
        }
        for (var i = 0; i < log.Count; i++)
        {
            Take(log.Cost(i), logCount == 0);
            logCount++;
        }
        if (summary.Count > 0)
        {
            Take(summary.Cost(0), true);
            withSummary = true;
        }
        Flush();
        return requests;

        void Take(long cost, bool firstOfFile)
        {
            var added = cost + (firstOfFile ? FileOverhead : 0);
            if (size + added > _maxRequestBytes)
            {
                Flush();
                added = cost + FileOverhead;
            }
            size += (int)added;
        }

        void Flush()
        {
            if (historyCount == 0 && logCount == 0 && !withSummary)
            {
                return;
            }
            var files = new List<KeyValuePair<string, FileStreamChunk>>(3);
            if (historyCount > 0)
            {
                files.Add(new(HistoryFile, new FileStreamChunk(historyOffset, history.Retain(), historyFirst, historyCount)));
            }
            if (withSummary)
            {
                files.Add(new(SummaryFile, new FileStreamChunk(0, summary.Retain(), 0, 1)));
            }
            if (logCount > 0)
            {
                files.Add(new(OutputFile, new FileStreamChunk(logOffset, log.Retain(), logFirst, logCount)));
            }
            requests.Add(new PreparedRequest(new FileStreamRequest { Files = files }, historyCount, logCount));
            historyOffset += historyCount;
            logOffset += logCount;
            historyFirst += historyCount;
            logFirst += logCount;
            historyCount = logCount = 0;
            withSummary = false;
            size = RequestOverhead;
        }
    }
}
