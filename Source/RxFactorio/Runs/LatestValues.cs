using System.Collections.Immutable;

namespace RxFactorio.Runs;

/// <summary>
/// The latest value of each key of one run, in the order the keys first came: what its summary says. A key
/// the run stage passes again as the same instance (its keys are interned) is set without hashing its text.
/// Not thread-safe: it runs inside the serialized run stage.
/// </summary>
internal sealed class LatestValues
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, int> _places = new(StringComparer.Ordinal);
    private readonly InstanceCache<int> _recent = new();
    private double[] _values = new double[16];

    /// <summary>How many keys have a value.</summary>
    public int Count => _keys.Count;

    /// <summary>Sets the latest value of <paramref name="key"/>; a new key goes after the others.</summary>
    public double this[string key]
    {
        set
        {
            if (!_recent.TryGet(key, out var place))
            {
                if (!_places.TryGetValue(key, out place))
                {
                    // NOTE: a key keeps the text (and instance) it first came with, as a dictionary's would.
                    place = _keys.Count;
                    _places.Add(key, place);
                    _keys.Add(key);
                    if (place == _values.Length)
                    {
                        Array.Resize(ref _values, place * 2);
                    }
                }
                _recent.Set(key, place);
            }
            _values[place] = value;
        }
    }

    /// <summary>Every key's latest value, in the order the keys first came.</summary>
    public ImmutableArray<KeyValuePair<string, double>> ToImmutableArray()
    {
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>(_keys.Count);
        for (var place = 0; place < _keys.Count; place++)
        {
            values.Add(new(_keys[place], _values[place]));
        }
        return values.MoveToImmutable();
    }
}
