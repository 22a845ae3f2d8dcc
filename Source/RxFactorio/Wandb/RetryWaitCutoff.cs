namespace RxFactorio.Wandb;

/// <summary>
/// The shutdown deadline that retry waits respect. Before <see cref="CutAt"/> a wait runs its
/// full length; after it, a wait that would end past the deadline is not waited (or is cut
/// short, if already running): no retry would be allowed to finish in time, and the rows are
/// safe in the run log. Thread-safe.
/// </summary>
internal sealed class RetryWaitCutoff(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cut = new();
    private DateTimeOffset? _deadline;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The deadline, once shutdown has begun.</summary>
    public DateTimeOffset? Deadline
    {
        get
        {
            lock (_gate)
            {
                return _deadline;
            }
        }
    }

    /// <summary>Cancelled when the first wait was cut for the deadline.</summary>
    public CancellationToken Cut => _cut.Token;

    /// <summary>Raised (outside any lock) after <see cref="CutAt"/> set or brought forward the deadline.</summary>
    public event Action? DeadlineMoved;

    /// <summary>Notes that a wait elsewhere (the <see cref="RateBudget"/>) was cut for the deadline: <see cref="Cut"/> fires.</summary>
    public void NoteCut() => _cut.Cancel();

    /// <summary>Sets (or brings forward) the deadline; running waits that end later are cut at once.</summary>
    /// <param name="deadline">When shutdown must be over.</param>
    public void CutAt(DateTimeOffset deadline)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_deadline is { } earlier && earlier <= deadline)
            {
                return;
            }
            _deadline = deadline;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        DeadlineMoved?.Invoke();
    }

    /// <summary>Waits <paramref name="delay"/> on the clock, unless the deadline comes before its end.</summary>
    /// <returns>True when the wait ran its length; false when it was cut for the deadline.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var end = time.GetUtcNow() + delay;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_deadline is { } deadline && deadline < end)
                {
                    break;
                }
                changed = _changed.Task;
            }
            var remaining = end - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var wait = Task.Delay(remaining, time, stopWaiting.Token);
            if (await Task.WhenAny(wait, changed).ConfigureAwait(false) == wait)
            {
                await wait.ConfigureAwait(false);
                return true;
            }
            // NOTE: the deadline moved: stop this timer and look again.
            await stopWaiting.CancelAsync().ConfigureAwait(false);
        }
        await _cut.CancelAsync().ConfigureAwait(false);
        return false;
    }
}

/// <summary>A retry was not waited for because it would have ended after the shutdown deadline.</summary>
internal sealed class RetryWaitCutException(TimeSpan delay)
    : Exception($"the next try was due in {delay.TotalSeconds:0.###} s, after the shutdown deadline, so it was not waited for")
{
    /// <summary>The wait that was asked for (by the backoff or the server's Retry-After).</summary>
    public TimeSpan Delay { get; } = delay;
}
