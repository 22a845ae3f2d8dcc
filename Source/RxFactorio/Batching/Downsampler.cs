using RxFactorio.Runs;

namespace RxFactorio.Batching;

/// <summary>
/// Replaces every <c>N</c> consecutive rows by one: the mean of each value (event counts
/// summed), at the step, tick and time of the last. Log lines pass straight through, and so do
/// rows when <c>N</c> is 1 (a group of one row is that row).
/// </summary>
internal sealed class Downsampler(int every)
{
    private readonly List<HistoryRow> _rows = new(every);

    /// <summary>Whether rows wait here for the rest of their group.</summary>
    public bool IsHolding => _rows.Count > 0;

    public void Add(RunUpdate update, Action<RunUpdate> emit)
    {
        if (update.Row is not { } row || every == 1)
        {
            emit(update);
            return;
        }
        _rows.Add(row);
        if (_rows.Count == every)
        {
            Flush(emit);
        }
    }

    public void Flush(Action<RunUpdate> emit)
    {
        if (_rows.Count == 0)
        {
            return;
        }
        var last = _rows[^1];
        var sums = new Dictionary<string, (double Sum, int Count)>();
        foreach (var row in _rows)
        {
            foreach (var (key, value) in row.Values)
            {
                var (sum, count) = sums.GetValueOrDefault(key);
                sums[key] = (sum + value, count + 1);
            }
        }
        var values = sums.Select(kv => new KeyValuePair<string, double>(kv.Key, Combine(kv.Key, kv.Value.Sum, kv.Value.Count, last)));
        // The combined row shows the group's latest screenshot, at the group's step.
        var screenshot = _rows.LastOrDefault(r => r.ScreenshotPath is not null);
        _rows.Clear();
        emit(RunUpdate.For(last with { Values = [.. values], ScreenshotPath = screenshot?.ScreenshotPath, ScreenshotLine = screenshot?.ScreenshotLine ?? 0 }));
    }

    private static double Combine(string key, double sum, int count, HistoryRow last) =>
        key == "tick" ? last.Tick
        : key.StartsWith("events/", StringComparison.Ordinal) ? sum
        : sum / count;
}
