namespace RxFactorio.Wandb;

/// <summary>Live counters of one W&amp;B connection (all its runs); thread-safe. Read a consistent copy with <see cref="Snapshot"/>.</summary>
public sealed class WandbCounters
{
    private long _requests;
    private long _retries;
    private long _heartbeats;
    private long _rowsSent;
    private long _rowsDropped;
    private long _linesDropped;
    private long _batchesSkipped;
    private long _failedRequests;

    /// <summary>Requests made (GraphQL and file_stream, including heartbeats), not counting retries.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Retried attempts.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Heartbeats (<c>{}</c>) sent.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>History rows the server accepted.</summary>
    public long RowsSent => Interlocked.Read(ref _rowsSent);

    /// <summary>History rows not sent: over the line limit, or in a batch for a stopped, failed or unknown run.</summary>
    public long RowsDropped => Interlocked.Read(ref _rowsDropped);

    /// <summary>Single lines (history, summary, log) dropped for exceeding <see cref="WandbOptions.MaxLineBytes"/>.</summary>
    public long LinesDropped => Interlocked.Read(ref _linesDropped);

    /// <summary>Batches not sent because their run was stopped in the W&amp;B UI, failed, or unknown.</summary>
    public long BatchesSkipped => Interlocked.Read(ref _batchesSkipped);

    /// <summary>Requests that failed for good (after any retries).</summary>
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>A copy of all counters.</summary>
    public WandbStats Snapshot() => new(Requests, Retries, Heartbeats, RowsSent, RowsDropped, LinesDropped, BatchesSkipped, FailedRequests);

    internal void AddRequest() => Interlocked.Increment(ref _requests);

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal void AddHeartbeat() => Interlocked.Increment(ref _heartbeats);

    internal void AddRowsSent(long n) => Interlocked.Add(ref _rowsSent, n);

    internal void AddRowsDropped(long n) => Interlocked.Add(ref _rowsDropped, n);

    internal void AddLineDropped() => Interlocked.Increment(ref _linesDropped);

    internal void AddBatchSkipped() => Interlocked.Increment(ref _batchesSkipped);

    internal void AddFailedRequest() => Interlocked.Increment(ref _failedRequests);
}

/// <summary>A copy of <see cref="WandbCounters"/> at one moment.</summary>
/// <param name="Requests">Requests made, not counting retries.</param>
/// <param name="Retries">Retried attempts.</param>
/// <param name="Heartbeats">Heartbeats sent.</param>
/// <param name="RowsSent">History rows accepted.</param>
/// <param name="RowsDropped">History rows not sent.</param>
/// <param name="LinesDropped">Lines dropped for size.</param>
/// <param name="BatchesSkipped">Batches for stopped, failed or unknown runs.</param>
/// <param name="FailedRequests">Requests that failed for good.</param>
public sealed record WandbStats(long Requests, long Retries, long Heartbeats, long RowsSent, long RowsDropped, long LinesDropped, long BatchesSkipped, long FailedRequests);
