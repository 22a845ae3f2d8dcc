using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Events;

namespace RxFactorio.Runs;

/// <summary>
/// Turns one run's events into history rows and log lines: merges <c>stats</c> of one cycle,
/// zero-fills items seen before, counts game events into the row, and refuses stale cycles.
/// Not thread-safe: it runs inside the serialized run stage.
/// </summary>
internal sealed class RowAssembler
{
    private const string EventsPrefix = "events/";
    private const long TicksPerCycle = 120;

    private readonly RunInfo _run;
    private readonly RunOptions _options;
    private readonly RunKeyNames _names;
    private readonly KeyBudget _keys;
    private readonly FillKeys _fillKeys = new();
    private readonly HashSet<string> _pendingInvalidKeys = [];
    private readonly HashSet<string> _pendingUnreadablePrefixes = [];
    private readonly Dictionary<string, double> _carriedEventCounts = [];
    private readonly Dictionary<string, double> _row = [];
    private Dictionary<string, double>? _pending;
    private int _lastRowKeys;
    private long _pendingStep = -1;
    private long _pendingTick;
    private (string Path, long Line)? _pendingScreenshot;
    private SourcePosition _last;
    private SourcePosition? _pendingSince;
    private SourcePosition? _carriedSince;
    private long _replayedThrough = -1;
    private bool _catchingUp;

    public RowAssembler(RunInfo run, RunOptions options)
    {
        _run = run;
        _options = options;
        _names = new RunKeyNames(options.MaxKeysPerRun);
        _keys = new KeyBudget(run, options);
    }

    /// <summary>The last step released as a row; -1 before the first.</summary>
    public long LastStep { get; private set; } = -1;

    public bool HasPendingRow => _pending is not null;

    /// <summary>The position of the last event applied (or where the run was last opened).</summary>
    public SourcePosition Last => _last;

    /// <summary>Where the source stood before the first event whose effects are still only in memory; <c>null</c> when none is.</summary>
    public SourcePosition? HeldSince =>
        (_pendingSince, _carriedSince) switch
        {
            ({ } p, { } c) => p.Offset <= c.Offset ? p : c,
            ({ } p, null) => p,
            (null, var c) => c,
        };

    /// <summary>Continues a run from its log: steps go on after <paramref name="lastStep"/>, zero-filling knows <paramref name="zeroFillKeys"/>.</summary>
    public void Seed(long? lastStep, IEnumerable<string> zeroFillKeys, SourcePosition position, long replayedThrough)
    {
        LastStep = lastStep ?? -1;
        var keys = zeroFillKeys.ToList();
        _keys.Seed(keys.Where(k => k != ReservedKeys.Tick));
        foreach (var key in keys)
        {
            if (RunKeyNames.IsItemKey(key))
            {
                _fillKeys.Add(key);
            }
        }
        _last = position;
        _replayedThrough = replayedThrough;
        // NOTE: the log can be ahead of the checkpoint (a kill between the log write and the
        // checkpoint save): until the first cycle after the log's last step, a re-read line's row is
        // in the log already, wherever the checkpoint says the run stood.
        _catchingUp = lastStep is not null;
    }

    /// <summary>The run (re)opens at <paramref name="before"/>: the position before its first event.</summary>
    public void Reposition(SourcePosition before) => _last = before;

    /// <summary>Applies one event; rows it completes and log lines it makes go to the callbacks, in order.</summary>
    /// <param name="e">The event.</param>
    /// <param name="now">The time.</param>
    /// <param name="rowDone">Gets each completed row.</param>
    /// <param name="logLine">Gets each run log line.</param>
    /// <param name="errorLine">Gets each diagnostic about this run's stats lines (stale cycle, reserved key) as a stderr line for the run's log; <c>null</c>: none.</param>
    public void Apply(FactorioEvent e, DateTimeOffset now, Action<HistoryRow> rowDone, Action<string> logLine, Action<string>? errorLine = null)
    {
        var before = _last;
        switch (e)
        {
            case StatsEvent stats:
                ApplyStats(stats, now, rowDone, before, errorLine);
                break;
            case GameEvent game:
                CountEvent(game, before);
                _keys.EndLine(game.Source, game.LineNumber);
                if (!Replayed(game))
                {
                    logLine(FormatLogLine(game));
                }
                break;
        }
        _last = new SourcePosition(e.SourceOffset, e.LineNumber);
    }

    /// <summary>Whether the event was read before a restart and its log line is in the run log already.</summary>
    private bool Replayed(FactorioEvent e) => e.SourceOffset > 0 && e.SourceOffset <= _replayedThrough;

    /// <summary>Counts a diagnostic about this run's input and puts it in the run's log as an error line (<c>source:line: reason: detail</c>).</summary>
    private void Report(IngestDiagnostic diagnostic, Action<string>? errorLine)
    {
        _options.Diagnostics.Report(diagnostic);
        errorLine?.Invoke(diagnostic.ToString());
    }

    /// <summary>Releases the pending row, if any.</summary>
    public void Flush(DateTimeOffset now, Action<HistoryRow> rowDone)
    {
        if (_pending is null)
        {
            return;
        }
        rowDone(Complete(now));
    }

    private void ApplyStats(StatsEvent stats, DateTimeOffset now, Action<HistoryRow> rowDone, SourcePosition before, Action<string>? errorLine)
    {
        if (stats.Cycle <= LastStep && (Replayed(stats) || _catchingUp))
        {
            // Read again after a restart: its row is in the run log already.
            return;
        }
        _catchingUp = false;
        if (stats.Cycle <= LastStep || (_pending is not null && stats.Cycle < _pendingStep))
        {
            var after = _pending is not null ? _pendingStep : LastStep;
            Report(new IngestDiagnostic(
                DiagnosticReason.StaleCycle, stats.Source, stats.LineNumber,
                $"cycle {stats.Cycle} of session '{Printable.Of(stats.SessionId, 60)}' is not after step {after}; W&B would drop it, so it is not sent",
                ""), errorLine);
            return;
        }
        if (_pending is not null && stats.Cycle > _pendingStep)
        {
            rowDone(Complete(now));
        }
        if (_pending is null)
        {
            _pendingSince = _carriedEventCounts.Count > 0 ? _carriedSince ?? before : before;
            _carriedSince = null;
            // NOTE: one dictionary for every row of the run (cleared, it keeps its size), so a row costs no
            // allocation and its keys do not grow it step by step.
            _pending = _row;
            _pending.EnsureCapacity(_carriedEventCounts.Count);
            foreach (var (key, count) in _carriedEventCounts)
            {
                _pending.Add(key, count);
            }
            _carriedEventCounts.Clear();
            _pendingStep = stats.Cycle;
        }
        _pendingTick = stats.Tick;
        if (stats.ScreenshotPath is { } screenshot)
        {
            // The latest of the cycle's lines wins; the sink reads the file (RunLogSink, not this pure stage).
            _pendingScreenshot = (screenshot, stats.LineNumber);
        }
        NoteUnknownValues(stats);
        foreach (var m in stats.Production)
        {
            Put(_pending, _names.Production(stats.Surface, m.Name), m.Value);
        }
        foreach (var m in stats.Consumption)
        {
            Put(_pending, _names.Consumption(stats.Surface, m.Name), m.Value);
        }
        foreach (var m in stats.Metrics)
        {
            if (ReservedKeys.IsReserved(m.Name))
            {
                Report(new IngestDiagnostic(
                    DiagnosticReason.ReservedKey, stats.Source, stats.LineNumber, ReservedKeys.Detail(m.Name), ""), errorLine);
                continue;
            }
            // NOTE: the mod counts frequent events per interval into metrics as events/{name};
            // those add to the count of event lines of the same name rather than replace it.
            Put(_pending, m.Name, m.Name.StartsWith(EventsPrefix, StringComparison.Ordinal)
                ? _pending.GetValueOrDefault(m.Name) + m.Value
                : m.Value);
        }
        _keys.EndLine(stats.Source, stats.LineNumber);
    }

    /// <summary>Sets a key of a row, if it is in the row already or the key budget lets it join.</summary>
    private void Put(Dictionary<string, double> row, string key, double value)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(row, key, out var present);
        if (present || _keys.Admit(key, row.Count - 1))
        {
            slot = value;
            if (!present)
            {
                _fillKeys.Joined(key);
            }
            return;
        }
        // NOTE: the refused key was the last one added, so removing it leaves the row's key order as if it never came.
        row.Remove(key);
    }

    /// <summary>Items whose value in the line was invalid are unknown for this row: zero-fill must not invent a 0 for them.</summary>
    private void NoteUnknownValues(StatsEvent stats)
    {
        foreach (var item in stats.InvalidProduction)
        {
            _pendingInvalidKeys.Add(_names.Production(stats.Surface, item));
        }
        foreach (var item in stats.InvalidConsumption)
        {
            _pendingInvalidKeys.Add(_names.Consumption(stats.Surface, item));
        }
        if (stats.ProductionUnreadable)
        {
            _pendingUnreadablePrefixes.Add(RunKeyNames.ProductionPrefix);
        }
        if (stats.ConsumptionUnreadable)
        {
            _pendingUnreadablePrefixes.Add(RunKeyNames.ConsumptionPrefix);
        }
    }

    private bool IsUnknownThisRow(string key)
    {
        if (_pendingInvalidKeys.Count > 0 && _pendingInvalidKeys.Contains(key))
        {
            return true;
        }
        foreach (var prefix in _pendingUnreadablePrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Counts a game event into the row of the first sample at or after it (step
    /// <c>ceil(tick / 120)</c>, as the mod's own per-interval counters do): the pending row when
    /// the event belongs to it, else the next row.
    /// </summary>
    private void CountEvent(GameEvent e, SourcePosition before)
    {
        var key = _names.Event(e.EventName);
        var sampleStep = (e.Tick + TicksPerCycle - 1) / TicksPerCycle;
        var counts = _pending is not null && sampleStep <= _pendingStep ? _pending : _carriedEventCounts;
        if (!counts.ContainsKey(key) && !_keys.Admit(key, counts.Count))
        {
            return;
        }
        if (counts == _carriedEventCounts && counts.Count == 0)
        {
            _carriedSince = before;
        }
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private HistoryRow Complete(DateTimeOffset now)
    {
        var values = _pending!;
        if (_options.ZeroFill)
        {
            // NOTE: zero-fill never takes a row past runs:maxKeysPerRow: the fill keys are the run's
            // (bounded by runs:maxKeysPerRun), and those that do not fit the row are dropped and counted.
            // NOTE: when every fill key came in the row's own lines (counted as they came), nothing is missing.
            if (!_fillKeys.RowHasAll)
            {
                for (var place = 0; place < _fillKeys.Count; place++)
                {
                    if (_fillKeys.InRow(place))
                    {
                        continue;
                    }
                    var key = _fillKeys[place];
                    if (!values.ContainsKey(key) && !IsUnknownThisRow(key) && _keys.FitsRow(key, values.Count))
                    {
                        values.Add(key, 0);
                    }
                }
            }
            _keys.EndLine(_run.Key.Source, _last.Line);
            foreach (var key in values.Keys)
            {
                // NOTE: the fill keys only grow, so an instance once added needs no second look.
                if (!_fillKeys.IsKnown(key) && RunKeyNames.IsItemKey(key))
                {
                    _fillKeys.Learn(key);
                }
            }
        }
        values[ReservedKeys.Tick] = _pendingTick;
        _lastRowKeys = values.Count;
        var row = new HistoryRow(
            _pendingStep, _pendingTick, (_pendingTick - _run.StartTick) / 60.0, now, [.. values])
        {
            ScreenshotPath = _pendingScreenshot?.Path,
            ScreenshotLine = _pendingScreenshot?.Line ?? 0,
        };
        _pendingScreenshot = null;
        RxFactorioMeter.Rows.Add(1, new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, _run.Key.Source));
        LastStep = _pendingStep;
        _pending = null;
        _fillKeys.NextRow();
        _row.Clear();
        if (_row.EnsureCapacity(0) > (4 * _lastRowKeys) + 64)
        {
            _row.TrimExcess(_lastRowKeys);
        }
        _pendingInvalidKeys.Clear();
        _pendingUnreadablePrefixes.Clear();
        _pendingSince = null;
        return row;
    }

    /// <summary>
    /// A run log line such as <c>[tick 216240] on_research_finished automation-2 1</c>; the name and
    /// values are escaped (<see cref="Printable"/>), so one event is always one line of <c>output.log</c>.
    /// </summary>
    internal static string FormatLogLine(GameEvent e)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"[tick {e.Tick}] {Printable.Escape(e.EventName)}");
        foreach (var field in e.Fields)
        {
            line.Append(' ').Append(Printable.Escape(field.DisplayValue));
        }
        return line.ToString();
    }

    /// <summary>Interns the history keys of one run, so a row costs no string building per value.</summary>
    /// <param name="capacity">The most names kept (the run's key limit): a line of unknown names cannot grow it without bound.</param>
    private sealed class RunKeyNames(int capacity)
    {
        private readonly KindNames _production = new("production");
        private readonly KindNames _consumption = new("consumption");
        private readonly KindNames _events = new("events");
        private int _count;

        public const string ProductionPrefix = "production/";
        public const string ConsumptionPrefix = "consumption/";

        public static bool IsItemKey(string key) =>
            key.StartsWith(ProductionPrefix, StringComparison.Ordinal) || key.StartsWith(ConsumptionPrefix, StringComparison.Ordinal);

        public string Production(string? surface, string item) => Get(_production, surface, item);

        public string Consumption(string? surface, string item) => Get(_consumption, surface, item);

        public string Event(string name) => Get(_events, null, name);

        private string Get(KindNames kind, string? surface, string name)
        {
            // A name table per kind and surface (string keys hash fast, unlike a tuple of strings).
            var names = kind.For(surface, create: _count < capacity);
            if (names is not null && names.Recent.TryGet(name, out var known))
            {
                return known;
            }
            if (names is null || !names.Keys.TryGetValue(name, out var key))
            {
                key = surface is null ? $"{kind.Kind}/{name}" : $"{kind.Kind}/{surface}/{name}";
                if (names is null || _count >= capacity)
                {
                    return key;
                }
                names.Keys.Add(name, key);
                _count++;
            }
            // NOTE: the parser interns names, so the same instance comes line after line; a name's key never changes once in the table.
            names.Recent.Set(name, key);
            return key;
        }

        /// <summary>One kind's keys on one surface, by item name, with the name instances seen last in front.</summary>
        private sealed class NameTable
        {
            public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

            public InstanceCache<string> Recent { get; } = new();
        }

        private sealed class KindNames(string kind)
        {
            private readonly NameTable _noSurface = new();
            private readonly Dictionary<string, NameTable> _surfaces = new(StringComparer.Ordinal);

            public string Kind => kind;

            /// <summary>The names of <paramref name="surface"/>; <c>null</c> for a surface not seen yet unless <paramref name="create"/>.</summary>
            public NameTable? For(string? surface, bool create)
            {
                if (surface is null)
                {
                    return _noSurface;
                }
                if (!_surfaces.TryGetValue(surface, out var names) && create)
                {
                    names = new NameTable();
                    _surfaces.Add(surface, names);
                }
                return names;
            }
        }
    }
}
