namespace RxFactorio.Events;

/// <summary>
/// The names one map had, in order, in the last line: a source writes the same names in the
/// same order line after line, so the next name is usually the one after the last match, or
/// one or two further on when an item dropped out. Comparing bytes is cheaper than hashing.
/// </summary>
internal sealed class NamePrediction
{
    private const int MaxSlots = 1024;
    private const int LookAhead = 3;

    private readonly List<(byte[]? Utf8, string Name)> _slots = [];
    private int _cursor;

    public void BeginMap() => _cursor = 0;

    public string? TryMatch(ReadOnlySpan<byte> utf8)
    {
        var end = Math.Min(_slots.Count, _cursor + LookAhead);
        for (var slot = _cursor; slot < end; slot++)
        {
            if (_slots[slot].Utf8 is { } known && utf8.SequenceEqual(known))
            {
                _cursor = slot + 1;
                return _slots[slot].Name;
            }
        }
        return null;
    }

    public void Learn(byte[]? utf8, string name)
    {
        if (_cursor >= MaxSlots)
        {
            return;
        }
        if (_cursor < _slots.Count)
        {
            _slots[_cursor] = (utf8, name);
        }
        else
        {
            _slots.Add((utf8, name));
        }
        _cursor++;
    }
}
