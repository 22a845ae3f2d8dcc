using System.Diagnostics.Metrics;

namespace RxFactorio.Diagnostics;

/// <summary>
/// The pipeline's instruments, on the <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="Name"/>: listen with <c>dotnet-counters monitor --counters RxFactorio</c>, an
/// OpenTelemetry <c>AddMeter("RxFactorio")</c> or a <see cref="MeterListener"/>. The library counts
/// where things happen (a line framed, a line rejected, an event parsed, a row completed, an HTTP
/// attempt finished); every instrument is listed in docs/operations.md.
/// </summary>
public static class RxFactorioMeter
{
    /// <summary>The meter's name, <c>RxFactorio</c>.</summary>
    public const string Name = "RxFactorio";

    /// <summary>The tag naming the source (e.g. a file path or <c>udp://…</c>).</summary>
    public const string SourceTag = "source";

    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Lines = Meter.CreateCounter<long>(
        "rxfactorio.lines", "{line}", "Input lines framed, per source.");

    internal static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "rxfactorio.events", "{event}", "Events parsed, by event type and source.");

    internal static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "rxfactorio.rejected", "{line}", "Input lines (or values) not accepted, by reason and source.");

    internal static readonly Counter<long> KeysDropped = Meter.CreateCounter<long>(
        "rxfactorio.keys.dropped", "{key}", "History keys dropped from a row for a key limit (runs:maxKeysPerRun, runs:maxKeysPerRow), by limit and source.");

    internal static readonly Counter<long> Rows = Meter.CreateCounter<long>(
        "rxfactorio.rows", "{row}", "History rows completed (one per cycle of a run), per source.");

    internal static readonly Counter<long> RowsDelivered = Meter.CreateCounter<long>(
        "rxfactorio.rows.delivered", "{row}", "History rows W&B accepted.");

    internal static readonly Counter<long> HttpRequests = Meter.CreateCounter<long>(
        "rxfactorio.http.requests", "{request}", "Requests made to W&B (GraphQL and file_stream, heartbeats included), not counting retries.");

    internal static readonly Counter<long> HttpFailures = Meter.CreateCounter<long>(
        "rxfactorio.http.failures", "{request}", "Requests to W&B that failed for good (after any retries).");

    internal static readonly Counter<long> HttpAttempts = Meter.CreateCounter<long>(
        "rxfactorio.http.attempts", "{attempt}", "Attempts at W&B requests (retries included), by HTTP status or \"error\".");

    internal static readonly Counter<long> HttpRetries = Meter.CreateCounter<long>(
        "rxfactorio.http.retries", "{retry}", "Retried W&B requests, by the status of the attempt that failed.");

    internal static readonly Counter<long> RateBudgetWaits = Meter.CreateCounter<long>(
        "rxfactorio.ratebudget.waits", "{request}", "Attempts at W&B requests that queued for the process's rate budget (held by a Retry-After or RateLimit headers, or behind other runs) instead of going at once.");

    internal static readonly Counter<long> RateBudgetHolds = Meter.CreateCounter<long>(
        "rxfactorio.ratebudget.holds", "{hold}", "Times a W&B response made every request of the process wait until a time, by reason (retry-after, ratelimit-reset).");

    internal static readonly UpDownCounter<long> RateBudgetQueued = Meter.CreateUpDownCounter<long>(
        "rxfactorio.ratebudget.queued", "{request}", "Attempts at W&B requests waiting for the rate budget now.");

    internal static readonly Counter<long> RowsDropped = Meter.CreateCounter<long>(
        "rxfactorio.rows.dropped", "{row}", "History rows not sent to W&B: larger than its line limit, or in a batch for a run that was stopped in the W&B UI, failed, or unknown.");

    internal static readonly Counter<long> BatchesSkipped = Meter.CreateCounter<long>(
        "rxfactorio.batches.skipped", "{batch}", "Batches not sent to W&B because their run was stopped in the W&B UI, failed, or unknown.");

    internal static readonly Counter<long> LinesOversized = Meter.CreateCounter<long>(
        "rxfactorio.lines.oversized", "{line}", "History, summary or log lines not sent to W&B: larger than its line limit.");

    internal static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram<double>(
        "rxfactorio.delivery.lag", "s", "Seconds from a row's completion (its _timestamp) until W&B accepted the request that carried it (the newest row of each batch).");

    internal static readonly Counter<long> Batches = Meter.CreateCounter<long>(
        "rxfactorio.batches", "{batch}", "Batches of rows the sink carried out (written to the run log).");

    internal static readonly UpDownCounter<long> RowsPending = Meter.CreateUpDownCounter<long>(
        "rxfactorio.rows.pending", "{row}", "Rows handed to the sink and not yet carried out (the backlog).");

    internal static readonly Counter<long> RowsWritten = Meter.CreateCounter<long>(
        "rxfactorio.rows.written", "{row}", "History rows the sink carried out (written to the run log).");

    internal static readonly UpDownCounter<long> BytesPending = Meter.CreateUpDownCounter<long>(
        "rxfactorio.bytes.pending", "By", "Estimated bytes of the rows and log lines handed to the sink and not yet carried out.");

    internal static readonly UpDownCounter<long> RunsActive = Meter.CreateUpDownCounter<long>(
        "rxfactorio.runs.active", "{run}", "Runs started and not yet finished.");

    internal static readonly UpDownCounter<long> SourcesOpen = Meter.CreateUpDownCounter<long>(
        "rxfactorio.sources.open", "{source}", "1 while the source is open, 0 while it waits (a tailed file not created yet), closed or failed.");

    /// <summary>Counts one attempt at a W&amp;B request by its outcome (<paramref name="status"/>: <c>"200"</c>, …, or <c>"error"</c>).</summary>
    internal static void AddAttempt(string status) => HttpAttempts.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>Counts one retry by the outcome of the attempt that failed.</summary>
    internal static void AddRetry(string status) => HttpRetries.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>Counts <paramref name="diagnostic"/> and hands it to <paramref name="observer"/> (if any).</summary>
    internal static void Report(this IObserver<IngestDiagnostic>? observer, IngestDiagnostic diagnostic)
    {
        Rejected.Add(1, new KeyValuePair<string, object?>("reason", diagnostic.Reason.ToString()),
            new KeyValuePair<string, object?>(SourceTag, diagnostic.Source));
        observer?.OnNext(diagnostic);
    }
}
