using RxFactorio.Diagnostics;
using System.Collections.Concurrent;

namespace RxFactorio.Wandb;

/// <summary>Live counters of one W&amp;B connection (all its runs); thread-safe. Read a consistent copy with <see cref="Snapshot"/>.</summary>
internal sealed class WandbCounters
{
    private long _requests;
    private long _retries;
    private long _heartbeats;
    private long _rowsSent;
    private long _rowsDropped;
    private long _linesDropped;
    private long _batchesSkipped;
    private long _failedRequests;
    private readonly ConcurrentDictionary<string, long> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _retriesByStatus = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Every attempt's outcome (retries included), by HTTP status code (<c>"200"</c>, <c>"429"</c>, …),
    /// or <c>"error"</c> when no response came (connection refused, reset, attempt timeout).
    /// </summary>
    public IReadOnlyDictionary<string, long> ResponsesByStatus() => Copy(_responses);

    /// <summary>Retries by the status of the attempt that failed (<c>"503"</c>, …, or <c>"error"</c>).</summary>
    public IReadOnlyDictionary<string, long> RetriesByStatus() => Copy(_retriesByStatus);

    /// <summary>A copy of all counters.</summary>
    public WandbStats Snapshot() => new(Requests, Retries, Heartbeats, RowsSent, RowsDropped, LinesDropped, BatchesSkipped, FailedRequests);

    internal void AddRequest()
    {
        RxFactorioMeter.HttpRequests.Add(1);
        Interlocked.Increment(ref _requests);
    }

    internal void AddRetry(string status)
    {
        Interlocked.Increment(ref _retries);
        RxFactorioMeter.HttpRetries.Add(1, new KeyValuePair<string, object?>("status", status));
        _retriesByStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);
    }

    internal void AddResponse(string status)
    {
        RxFactorioMeter.HttpAttempts.Add(1, new KeyValuePair<string, object?>("status", status));
        _responses.AddOrUpdate(status, 1, static (_, n) => n + 1);
    }

    /// <summary>The label of an attempt's outcome: its status code, or <c>"error"</c> without a response.</summary>
    internal static string StatusOf(HttpResponseMessage? response) =>
        response is null ? "error" : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SortedDictionary<string, long> Copy(ConcurrentDictionary<string, long> counts) => new(counts, StringComparer.Ordinal);

    internal void AddHeartbeat() => Interlocked.Increment(ref _heartbeats);

    internal void AddRowsSent(long n)
    {
        RxFactorioMeter.RowsDelivered.Add(n);
        Interlocked.Add(ref _rowsSent, n);
    }

    internal void AddRowsDropped(long n) => Interlocked.Add(ref _rowsDropped, n);

    internal void AddLineDropped() => Interlocked.Increment(ref _linesDropped);

    internal void AddBatchSkipped() => Interlocked.Increment(ref _batchesSkipped);

    internal void AddFailedRequest()
    {
        RxFactorioMeter.HttpFailures.Add(1);
        Interlocked.Increment(ref _failedRequests);
    }
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
internal sealed record WandbStats(long Requests, long Retries, long Heartbeats, long RowsSent, long RowsDropped, long LinesDropped, long BatchesSkipped, long FailedRequests);
