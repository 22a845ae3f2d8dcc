using RxFactorio.Runs;

namespace RxFactorio.Batching;

/// <summary>One thing a run produced: a completed history row, or a run log line (an error line goes to stderr).</summary>
internal readonly record struct RunUpdate(HistoryRow? Row, string? LogLine, bool IsError = false)
{
    public static RunUpdate For(HistoryRow row) => new(row, null);

    public static RunUpdate For(string logLine) => new(null, logLine);

    /// <summary>A line about the run's own input that was not accepted (a stderr line: <c>ERROR </c> in W&amp;B's Logs tab).</summary>
    public static RunUpdate ForError(string logLine) => new(null, logLine, IsError: true);

    public int EstimatedBytes => Row?.EstimatedBytes ?? (LogLine!.Length * 3) + 32;
}
