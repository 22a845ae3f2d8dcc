namespace RxFactorio.Runs;

/// <summary>
/// The item keys one run zero-fills (every item key it has logged, in the order first seen), and which of them
/// the row being assembled has already: a key that joined the row as a known instance is marked by its place,
/// so completing a row looks up by text only the fill keys it did not see come. Not thread-safe: it runs inside
/// the serialized run stage.
/// </summary>
internal sealed class FillKeys
{
    private readonly Dictionary<string, int> _places = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly InstanceCache<int> _recent = new();
    private int[] _seenInRow = new int[16];
    private int _row = 1;
    private int _inRow;

    /// <summary>How many keys the run zero-fills.</summary>
    public int Count => _order.Count;

    /// <summary>Whether every fill key joined the row being assembled (counted as they came).</summary>
    public bool RowHasAll => _inRow >= _order.Count;

    /// <summary>The fill key at <paramref name="place"/> (0 = the first seen).</summary>
    public string this[int place] => _order[place];

    /// <summary>Whether the fill key at <paramref name="place"/> surely is in the row (it was marked as it joined); false means: look.</summary>
    public bool InRow(int place) => _seenInRow[place] == _row;

    /// <summary>Makes <paramref name="key"/> (an item key) a fill key, if it is not one yet.</summary>
    public void Add(string key) => PlaceOf(key);

    /// <summary>A key just joined the row: marks it when it is a fill key this instance is known as.</summary>
    public void Joined(string key)
    {
        if (_recent.TryGet(key, out var place))
        {
            _inRow++;
            _seenInRow[place] = _row;
        }
    }

    /// <summary>Whether this instance of <paramref name="key"/> is known as a fill key (false: maybe not).</summary>
    public bool IsKnown(string key) => _recent.TryGet(key, out _);

    /// <summary>Makes <paramref name="key"/> (an item key) a fill key and remembers this instance of it.</summary>
    public void Learn(string key) => _recent.Set(key, PlaceOf(key));

    /// <summary>The row is complete: the next one starts with none of the fill keys.</summary>
    public void NextRow()
    {
        _row++;
        _inRow = 0;
    }

    private int PlaceOf(string key)
    {
        if (!_places.TryGetValue(key, out var place))
        {
            place = _order.Count;
            _places.Add(key, place);
            _order.Add(key);
            if (_order.Count > _seenInRow.Length)
            {
                Array.Resize(ref _seenInRow, _seenInRow.Length * 2);
            }
        }
        return place;
    }
}
