using RxFactorio.RunLog.Proto;

namespace RxFactorio.RunLog;

/// <summary>
/// A run's summary as its log's summary records add up: the latest number of every key (in the order
/// keys first came) and the latest JSON object of every key that is not a number. The one rule for the
/// run-log reader and for a writer that keeps its files without reading its log back.
/// </summary>
internal sealed class SummaryFold
{
    private readonly Dictionary<string, double> _numbers = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string> _json = new(StringComparer.Ordinal);

    /// <summary>The latest number of every key, in the order the keys first came.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Numbers => [.. _order.Select(k => new KeyValuePair<string, double>(k, _numbers[k]))];

    /// <summary>The latest JSON object of every key whose value is not a number (an image).</summary>
    public Dictionary<string, string> Json => _json;

    /// <summary>Adds one summary record's updates and removals.</summary>
    public void Apply(SummaryRecord record)
    {
        foreach (var item in record.Update)
        {
            if (RunLogJson.ParseNumber(item.ValueJson) is { } value)
            {
                var key = RunLogReader.ItemKey(item.Key, item.NestedKey);
                if (!_numbers.ContainsKey(key))
                {
                    _order.Add(key);
                }
                _numbers[key] = value;
            }
            else if (!item.Key.StartsWith('_') && RunLogReader.IsJsonObject(item.ValueJson))
            {
                _json[RunLogReader.ItemKey(item.Key, item.NestedKey)] = item.ValueJson;
            }
        }
        foreach (var item in record.Remove)
        {
            var key = RunLogReader.ItemKey(item.Key, item.NestedKey);
            if (_numbers.Remove(key))
            {
                _order.Remove(key);
            }
            _json.Remove(key);
        }
    }
}
