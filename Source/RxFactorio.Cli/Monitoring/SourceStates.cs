using System.Reactive.Linq;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Monitoring;

/// <summary>One source in a report: its name made printable, and its state.</summary>
internal readonly record struct SourceStatus(string Source, SourceState State)
{
    /// <summary>The state as <c>/healthz</c> spells it: waiting, open, closed, failed.</summary>
    public string StateName => State switch
    {
        SourceState.Waiting => "waiting",
        SourceState.Open => "open",
        SourceState.Closed => "closed",
        _ => "failed",
    };
}

/// <summary>
/// The state of each source of one pipeline, in the order the sources were given, fed by the
/// sources' state callbacks and read by <c>/healthz</c> and <c>/metrics</c>. Thread-safe.
/// </summary>
internal sealed class SourceStates
{
    private readonly Lock _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, SourceState> _states = new(StringComparer.Ordinal);

    /// <summary>Lists <paramref name="source"/> as <see cref="SourceState.Waiting"/> (not open yet) and returns its callback.</summary>
    public Action<SourceState> Track(string source)
    {
        lock (_gate)
        {
            if (_states.TryAdd(source, SourceState.Waiting))
            {
                _order.Add(source);
            }
        }
        return state => Set(source, state);
    }

    /// <summary>
    /// A finite source (a replay's recording): listed as waiting, open once subscribed, closed
    /// when it completes, failed when it errs; told to the meter's <c>rxfactorio.sources.open</c> as
    /// the library's own sources tell it.
    /// </summary>
    public IObservable<T> Follow<T>(string source, IObservable<T> items)
    {
        var changed = Track(source);
        return Observable.Defer(() =>
        {
            var state = new SourceStateReporter(source, changed);
            state.Report(SourceState.Open);
            return items.Do(static _ => { }, _ => state.Report(SourceState.Failed), () => state.Report(SourceState.Closed));
        });
    }

    public void Set(string source, SourceState state)
    {
        lock (_gate)
        {
            if (_states.TryAdd(source, state))
            {
                _order.Add(source);
            }
            else
            {
                _states[source] = state;
            }
        }
    }

    /// <summary>Every source with its state; the names are made printable (they come from the command line).</summary>
    public IReadOnlyList<SourceStatus> Snapshot()
    {
        lock (_gate)
        {
            return [.. _order.Select(s => new SourceStatus(RxFactorio.Diagnostics.Printable.Of(s, 300), _states[s]))];
        }
    }
}
