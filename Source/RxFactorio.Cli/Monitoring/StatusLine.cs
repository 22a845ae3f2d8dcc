using System.Globalization;

namespace RxFactorio.Cli.Monitoring;

/// <summary>The live status line on a terminal: pure formatting, so it can be tested without one.</summary>
internal static class StatusLine
{
    /// <summary>
    /// <c>run</c>: <c>12.0 ev/s · runs 1 · rows 3,400 sent, 20 pending · retries 0 · rejected 2</c>.
    /// </summary>
    public static string Format(MetricsSnapshot now, double eventsPerSecond) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{eventsPerSecond:0.0} ev/s · runs {now.ActiveRuns} · rows {now.RowsSent:N0} sent, {now.RowsPending:N0} pending · retries {now.HttpRetries:N0} · rejected {now.RejectedTotal:N0}");

    /// <summary>
    /// <c>replay</c>: <c>[#######-----]  45%  1.2 MB / 2.6 MB · 0:42 left · 300.0 ev/s · rows 900 sent</c>,
    /// within <paramref name="columns"/>: the bar takes what the text leaves (10 to 20 characters),
    /// then the end of the text (least important last) is cut.
    /// </summary>
    public static string Progress(MetricsSnapshot now, long totalBytes, double eventsPerSecond, double bytesPerSecond, int columns)
    {
        var fraction = totalBytes <= 0 ? 1 : Math.Clamp((double)now.BytesRead / totalBytes, 0, 1);
        var left = bytesPerSecond > 0 ? TimeLeft(TimeSpan.FromSeconds((totalBytes - now.BytesRead) / bytesPerSecond)) : "--:--";
        var text = string.Create(CultureInfo.InvariantCulture,
            $" {fraction * 100,3:0}%  {Bytes(now.BytesRead)} / {Bytes(totalBytes)} · {left} left · {eventsPerSecond:0.0} ev/s · rows {now.RowsSent:N0} sent");
        var width = Math.Clamp(columns - 1 - text.Length - 2, 10, 20);
        var filled = (int)Math.Round(fraction * width);
        return Fit("[" + new string('#', filled) + new string('-', width - filled) + "]" + text, columns);
    }

    /// <summary>
    /// Cuts <paramref name="line"/> to one character less than the terminal is wide: a line that
    /// reached the last column would wrap, and erasing the line would then leave its first part.
    /// </summary>
    public static string Fit(string line, int columns)
    {
        var room = Math.Max(columns - 1, 1);
        return line.Length <= room ? line : line[..(room - 1)] + "…";
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GB"),
    };

    public static string TimeLeft(TimeSpan left)
    {
        if (left < TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }
        return left.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}:{left.Seconds:00}");
    }
}
