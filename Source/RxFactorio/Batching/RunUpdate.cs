using RxFactorio.Runs;

namespace RxFactorio.Batching;

/// <summary>One thing a run produced: a completed history row, or a run log line.</summary>
internal readonly record struct RunUpdate(HistoryRow? Row, string? LogLine)
{
    public static RunUpdate For(HistoryRow row) => new(row, null);

    public static RunUpdate For(string logLine) => new(null, logLine);

    public int EstimatedBytes => Row?.EstimatedBytes ?? (LogLine!.Length * 3) + 32;
}
