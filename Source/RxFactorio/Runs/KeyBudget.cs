using System.IO.Enumeration;
using RxFactorio.Diagnostics;

namespace RxFactorio.Runs;

/// <summary>
/// Which history keys one run may log: the include/exclude globs, then at most
/// <see cref="RunOptions.MaxKeysPerRun"/> distinct keys in the run and
/// <see cref="RunOptions.MaxKeysPerRow"/> in a row (the <c>tick</c> key counted). A key past a limit
/// is dropped; the first line of a run that loses keys to a limit gets one counted diagnostic
/// naming the limit and how many keys it lost; every dropped key is counted in the
/// <c>rxfactorio.keys.dropped</c> meter. Not thread-safe: it runs inside the serialized run stage.
/// </summary>
internal sealed class KeyBudget(RunInfo run, RunOptions options)
{
    private const string RunLimit = "runs:maxKeysPerRun";
    private const string RowLimit = "runs:maxKeysPerRow";

    private readonly HashSet<string> _runKeys = new(StringComparer.Ordinal);
    private readonly InstanceCache<bool> _known = new();
    private readonly Drops _runDrops = new(RunLimit, options.MaxKeysPerRun);
    private readonly Drops _rowDrops = new(RowLimit, options.MaxKeysPerRow);

    /// <summary>How many distinct keys the run has taken so far.</summary>
    public int RunKeys => _runKeys.Count;

    /// <summary>Keys of the run's log before this process (a resumed run): they count towards the run's limit.</summary>
    public void Seed(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (_runKeys.Count < options.MaxKeysPerRun)
            {
                _runKeys.Add(key);
            }
        }
    }

    /// <summary>
    /// Whether a key not yet in a row that holds <paramref name="rowKeys"/> keys (its <c>tick</c>
    /// not counted yet) may join it. A key the globs leave out is refused silently: the user asked so.
    /// </summary>
    public bool Admit(string key, int rowKeys)
    {
        // NOTE: the run's keys only grow, so an instance once found among them stays known.
        var known = _known.TryGet(key, out _);
        if (!known && _runKeys.Contains(key))
        {
            known = true;
            _known.Set(key, true);
        }
        if (!known && !Wanted(key))
        {
            return false;
        }
        if (rowKeys + 1 >= options.MaxKeysPerRow)
        {
            _rowDrops.Add(key);
            return false;
        }
        if (!known)
        {
            if (_runKeys.Count >= options.MaxKeysPerRun)
            {
                _runDrops.Add(key);
                return false;
            }
            _runKeys.Add(key);
        }
        return true;
    }

    /// <summary>Whether a zero-filled key still fits a row of <paramref name="rowKeys"/> keys; counts it as dropped if not.</summary>
    public bool FitsRow(string key, int rowKeys)
    {
        if (rowKeys + 1 < options.MaxKeysPerRow)
        {
            return true;
        }
        _rowDrops.Add(key);
        return false;
    }

    /// <summary>Reports what the line just applied lost to the limits (once per run and limit) and counts it.</summary>
    public void EndLine(string source, long line)
    {
        _runDrops.End(run, source, line, options.Diagnostics);
        _rowDrops.End(run, source, line, options.Diagnostics);
    }

    private bool Wanted(string key)
    {
        if (options.IncludeKeys.Count > 0 && !options.IncludeKeys.Any(glob => Matches(glob, key)))
        {
            return false;
        }
        return !options.ExcludeKeys.Any(glob => Matches(glob, key));
    }

    private static bool Matches(string glob, string key) => FileSystemName.MatchesSimpleExpression(glob, key, ignoreCase: false);

    /// <summary>One limit's drops: those of the current line, and whether the run was warned already.</summary>
    private sealed class Drops(string setting, int limit)
    {
        private string? _first;
        private long _line;
        private bool _warned;

        public void Add(string key)
        {
            _first ??= key;
            _line++;
        }

        public void End(RunInfo run, string source, long lineNumber, IObserver<IngestDiagnostic>? diagnostics)
        {
            if (_line == 0)
            {
                return;
            }
            RxFactorioMeter.KeysDropped.Add(_line,
                new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, source),
                new KeyValuePair<string, object?>("limit", setting));
            if (!_warned)
            {
                _warned = true;
                diagnostics.Report(new IngestDiagnostic(
                    DiagnosticReason.KeyLimit, source, lineNumber,
                    $"{setting} = {limit}: {_line} key(s) dropped from run '{Printable.Of(run.DisplayName, 60)}' ({run.RunId}), the first '{Printable.Of(_first!, 60)}'; "
                    + "later keys past this limit in this run are dropped without another warning and counted in rxfactorio.keys.dropped",
                    ""));
            }
            _first = null;
            _line = 0;
        }
    }
}
