namespace RxFactorio.FakeWandb.State;

/// <summary>One streamed file: line offset → line. Writing an existing offset replaces it (docs/wandb-protocol.md §3 "Idempotence").</summary>
internal sealed class FakeFile
{
    private readonly SortedDictionary<long, string> _lines = [];
    private readonly Dictionary<long, (DateTimeOffset First, int Writes)> _arrivals = [];

    public int Count => _lines.Count;

    public string? LastLine => _lines.Count == 0 ? null : _lines.Last().Value;

    /// <param name="offset">The first line's offset.</param>
    /// <param name="content">The lines.</param>
    /// <param name="now">The server's clock: the first arrival of an offset not written before.</param>
    /// <returns>How many of the lines replaced an existing offset.</returns>
    public int Write(long offset, IReadOnlyList<string> content, DateTimeOffset now)
    {
        var replaced = 0;
        for (var i = 0; i < content.Count; i++)
        {
            if (_lines.ContainsKey(offset + i))
            {
                replaced++;
            }

            _lines[offset + i] = content[i];
            _arrivals[offset + i] = _arrivals.TryGetValue(offset + i, out var seen) ? (seen.First, seen.Writes + 1) : (now, 1);
        }

        return replaced;
    }

    public void Append(string line) => _lines[_lines.Count == 0 ? 0 : _lines.Keys.Last() + 1] = line;

    public IReadOnlyList<KeyValuePair<long, string>> Snapshot() => [.. _lines];

    /// <summary>The lines written by file_stream requests, in offset order, with their first arrival (appended lines have none).</summary>
    public IReadOnlyList<LineArrival> Arrivals() =>
        [.. _lines.Where(l => _arrivals.ContainsKey(l.Key)).Select(l => new LineArrival(l.Key, l.Value, _arrivals[l.Key].First, _arrivals[l.Key].Writes))];

    public IReadOnlyList<string> Tail(int count) => [.. _lines.Values.Skip(Math.Max(0, _lines.Count - count))];
}
