namespace RxFactorio.Sources;

/// <summary>
/// Tells one subscription's <see cref="SourceState"/> to an optional callback, only when it
/// changes, and keeps the <c>rxfactorio.sources.open</c> instrument of
/// <see cref="Diagnostics.RxFactorioMeter"/> at 1 for this source while it is open and at 0 otherwise
/// (the first state, even when not open, is measured as 0, so a source waiting for its file is listed
/// too); nothing is allocated per chunk.
/// </summary>
/// <remarks>Not thread-safe: used by one read loop, whose steps run one after another.</remarks>
internal sealed class SourceStateReporter(string source, Action<SourceState>? changed)
{
    private SourceState? _last;

    public void Report(SourceState state)
    {
        if (_last == state)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>(Diagnostics.RxFactorioMeter.SourceTag, source);
        if (state == SourceState.Open)
        {
            Diagnostics.RxFactorioMeter.SourcesOpen.Add(1, tag);
        }
        else if (_last == SourceState.Open)
        {
            Diagnostics.RxFactorioMeter.SourcesOpen.Add(-1, tag);
        }
        else if (_last is null)
        {
            Diagnostics.RxFactorioMeter.SourcesOpen.Add(0, tag);
        }
        _last = state;
        changed?.Invoke(state);
    }

    /// <summary>
    /// Runs a read loop and reports how it ended: <see cref="SourceState.Closed"/> when it
    /// returns or is cancelled by <paramref name="cancellationToken"/>, <see cref="SourceState.Failed"/>
    /// when it throws anything else. The outcome is passed on unchanged.
    /// </summary>
    public async Task RunAsync(Func<Task> readLoop, CancellationToken cancellationToken)
    {
        try
        {
            await readLoop().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Report(SourceState.Closed);
            throw;
        }
        catch
        {
            Report(SourceState.Failed);
            throw;
        }

        Report(SourceState.Closed);
    }
}
