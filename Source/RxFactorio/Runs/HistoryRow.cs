using System.Collections.Immutable;

namespace RxFactorio.Runs;

/// <summary>One W&amp;B history row: everything a run logged at one step.</summary>
/// <param name="Step">The W&amp;B step (<c>_step</c>): the stats <c>cycle</c>.</param>
/// <param name="Tick">The game tick of the latest stats merged into this row.</param>
/// <param name="Runtime">Game seconds since the run started (<c>_runtime</c>).</param>
/// <param name="Timestamp">When the row was completed (<c>_timestamp</c>), from the pipeline's scheduler clock.</param>
/// <param name="Values">The row's keys and values, e.g. <c>production/iron-plate</c>, <c>tick</c>, <c>events/on_built_entity</c>.</param>
public sealed record HistoryRow(long Step, long Tick, double Runtime, DateTimeOffset Timestamp, ImmutableArray<KeyValuePair<string, double>> Values)
{
    /// <summary>The value of <paramref name="key"/> in this row, or <c>null</c>.</summary>
    public double? this[string key]
    {
        get
        {
            foreach (var (k, v) in Values)
            {
                if (k == key)
                {
                    return v;
                }
            }
            return null;
        }
    }

    /// <summary>An estimate of the row's size as a JSON line, in bytes, for batch byte caps.</summary>
    public int EstimatedBytes
    {
        get
        {
            var bytes = 64;
            foreach (var (key, _) in Values.IsDefault ? [] : Values.AsSpan())
            {
                bytes += key.Length + 24;
            }
            return bytes;
        }
    }
}
