using RxFactorio.RunLog;
using RxFactorio.Runs;

namespace RxFactorio.Wandb;

/// <summary>
/// The history lines of one batch, each escaped once into pooled memory as its row is read
/// (<see cref="EscapedLines"/>), and what the run client needs of the rows besides: how many, the last
/// one's step and times, their keys (for the metric definitions). Rows' values are not kept. A line too
/// long for a request is not added; it is noted in <see cref="Dropped"/> for the client to report. Not thread-safe.
/// </summary>
internal sealed class HistoryLineBatch : IDisposable
{
    private readonly FileStreamPacker _packer;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<(FileStreamPacker.DropReason Reason, int Bytes)> _dropped = [];
    private HistoryRowFields _last;
    private bool _disposed;

    /// <summary>An empty batch for the limits of <paramref name="options"/>.</summary>
    public HistoryLineBatch(WandbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _packer = new FileStreamPacker(options.MaxRequestBytes, options.MaxLineBytes, WandbRefit.BodyEncoder);
    }

    /// <summary>The escaped lines (the batch holds one reference until disposed).</summary>
    public EscapedLines Lines { get; } = new();

    /// <summary>Rows added, with those whose line was dropped.</summary>
    public int Rows { get; private set; }

    /// <summary>The last row's step, tick and times (no values), as a new row each time; <c>null</c> without rows.</summary>
    public HistoryRow? Last => Rows == 0 ? null : new HistoryRow(_last.Step, _last.Tick, _last.Runtime, _last.Timestamp, []);

    /// <summary>The keys of the rows' values given with <see cref="AddKeys"/> or <see cref="Add(HistoryRow)"/>.</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>Lines not added: why, and their length in bytes.</summary>
    public IReadOnlyList<(FileStreamPacker.DropReason Reason, int Bytes)> Dropped => _dropped;

    /// <summary>Adds a row's history line (UTF-8, as <see cref="WandbJsonLines.HistoryLine"/> writes it).</summary>
    /// <param name="line">The line.</param>
    /// <param name="fields">The row's step, tick and times.</param>
    public void Add(ReadOnlySpan<byte> line, in HistoryRowFields fields)
    {
        Rows++;
        _last = fields;
        if (_packer.TryAdd(Lines, line) is { } reason)
        {
            _dropped.Add((reason, line.Length));
        }
    }

    /// <summary>Adds a row: its history line written from it, and its keys.</summary>
    /// <param name="row">The row.</param>
    public void Add(HistoryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Add(WandbJsonLines.HistoryLineUtf8(row), new HistoryRowFields(row.Step) { Tick = row.Tick, Runtime = row.Runtime, Timestamp = row.Timestamp });
        if (!row.Values.IsDefault)
        {
            AddKeys(row.Values.Select(value => value.Key));
        }
    }

    /// <summary>Notes keys of the rows' values.</summary>
    /// <param name="keys">The keys.</param>
    public void AddKeys(IEnumerable<string> keys) => _keys.UnionWith(keys);

    /// <summary>Gives back the batch's reference to its lines (requests packed from them keep theirs).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Lines.Release();
        }
    }
}
