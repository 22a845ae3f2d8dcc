namespace RxFactorio.FakeWandb.State;

/// <summary>One streamed file: line offset → line. Writing an existing offset replaces it (docs/wandb-protocol.md §3 "Idempotence").</summary>
internal sealed class FakeFile
{
    private readonly SortedDictionary<long, string> _lines = [];

    public int Count => _lines.Count;

    public string? LastLine => _lines.Count == 0 ? null : _lines.Last().Value;

    /// <returns>How many of the lines replaced an existing offset.</returns>
    public int Write(long offset, IReadOnlyList<string> content)
    {
        var replaced = 0;
        for (var i = 0; i < content.Count; i++)
        {
            if (_lines.ContainsKey(offset + i))
            {
                replaced++;
            }

            _lines[offset + i] = content[i];
        }

        return replaced;
    }

    public void Append(string line) => _lines[_lines.Count == 0 ? 0 : _lines.Keys.Last() + 1] = line;

    public IReadOnlyList<KeyValuePair<long, string>> Snapshot() => [.. _lines];

    public IReadOnlyList<string> Tail(int count) => [.. _lines.Values.Skip(Math.Max(0, _lines.Count - count))];
}
