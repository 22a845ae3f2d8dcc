using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RxFactorio.Diagnostics;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// The running sums of the library's <see cref="RxFactorioMeter"/> instruments since this listener
/// started, by instrument and one tag: what <c>/metrics</c>, <c>/healthz</c> and the status line
/// read, so they show exactly what dotnet-counters and OpenTelemetry see. Thread-safe.
/// </summary>
internal sealed class MeterTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tag), long> _sums = new();

    public MeterTotals()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == RxFactorioMeter.Name)
            {
                // NOTE: the grouping tag is worked out once per instrument and comes back as the callback's state.
                listener.EnableMeasurementEvents(instrument, GroupingTag(instrument.Name));
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
            _sums.AddOrUpdate((instrument.Name, KeyOf((string)state!, tags)), value, (_, sum) => sum + value));
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/> over all its tags.</summary>
    public long Total(string instrument) => _sums.Where(kv => kv.Key.Instrument == instrument).Sum(kv => kv.Value);

    /// <summary>The sums of <paramref name="instrument"/> by the value of its grouping tag (<see cref="GroupingTag"/>).</summary>
    public SortedDictionary<string, long> ByTag(string instrument) =>
        new(_sums.Where(kv => kv.Key.Instrument == instrument)
            .GroupBy(kv => kv.Key.Tag, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal), StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();

    /// <summary>The tag a family is grouped by in <c>/metrics</c>: the reason (of a rejection or a rate-budget hold), the event type, the HTTP status, the key limit, the source.</summary>
    private static string GroupingTag(string instrument) => instrument switch
    {
        "rxfactorio.rejected" or "rxfactorio.ratebudget.holds" => "reason",
        "rxfactorio.events" => "type",
        "rxfactorio.http.attempts" or "rxfactorio.http.retries" => "status",
        "rxfactorio.keys.dropped" => "limit",
        _ => RxFactorioMeter.SourceTag,
    };

    private static string KeyOf(string wanted, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == wanted)
            {
                return tag.Value?.ToString() ?? "";
            }
        }
        return "";
    }
}
