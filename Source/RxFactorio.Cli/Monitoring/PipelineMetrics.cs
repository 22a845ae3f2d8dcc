using System.Collections.Concurrent;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Sinks;

namespace RxFactorio.Cli.Monitoring;

/// <summary>Where a pipeline is in its life, as <c>/healthz</c> reports it.</summary>
internal enum PipelineState
{
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
}

/// <summary>
/// What <c>/metrics</c>, <c>/healthz</c> and the status line read about one pipeline: the counts
/// and whether each source is open come from the library's <c>RxFactorio</c> meter
/// (<see cref="MeterTotals"/>, the one source of truth); the life state, and each source's state
/// for <c>/healthz</c> (waiting, open, closed or failed: more than the meter's 1 or 0), from the host. Thread-safe.
/// </summary>
internal sealed class PipelineMetrics(DiagnosticCounts diagnostics, MeterTotals meter)
{
    private readonly ConcurrentDictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private volatile PipelineState _state = PipelineState.Starting;
    private volatile string? _failure;

    public DiagnosticCounts Diagnostics { get; } = diagnostics;

    /// <summary>The state of each source, fed by the sources' state callbacks.</summary>
    public SourceStates Sources { get; } = new();

    /// <summary>Whether rows go to W&amp;B (sent = accepted by W&amp;B) or only to the run log (sent = written).</summary>
    public bool Online { get; set; }

    /// <summary>Bytes in the run logs of this process's runs (offline mode), 0 when unknown.</summary>
    public Func<long> RunLogBytes { get; set; } = static () => 0;

    public PipelineState State => _state;

    public string? Failure => _failure;

    /// <summary>Moves to <paramref name="state"/>, unless the pipeline has failed (a failure stays what health reports).</summary>
    public void SetState(PipelineState state)
    {
        if (_state != PipelineState.Failed)
        {
            _state = state;
        }
    }

    public void Fail(string reason)
    {
        _failure = reason;
        _state = PipelineState.Failed;
    }

    /// <summary>Notes how far into its source <paramref name="e"/> was (a replay's progress bar).</summary>
    public void Reached(FactorioEvent e) => _offsets[e.Source] = e.SourceOffset;

    /// <summary>The byte offset reached in each source (for a replay's progress).</summary>
    public long BytesRead => _offsets.Values.Sum();

    /// <param name="includeRunLogBytes">
    /// Measure the run logs on disk (a directory walk): only for <c>/metrics</c>, not for the
    /// once-a-second status tick of a process that idles for weeks.
    /// </param>
    public MetricsSnapshot Snapshot(bool includeRunLogBytes = false)
    {
        long runLogBytes = 0;
        try
        {
            runLogBytes = includeRunLogBytes ? RunLogBytes() : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            runLogBytes = 0;
        }
        return new MetricsSnapshot
        {
            Lines = meter.Total("rxfactorio.lines"),
            Rows = meter.Total("rxfactorio.rows"),
            Batches = meter.Total("rxfactorio.batches"),
            Events = meter.ByTag("rxfactorio.events"),
            Rejected = meter.ByTag("rxfactorio.rejected"),
            RowsSent = meter.Total(Online ? "rxfactorio.rows.delivered" : "rxfactorio.rows.written"),
            HttpRequests = meter.Total("rxfactorio.http.requests"),
            HttpRetries = meter.Total("rxfactorio.http.retries"),
            HttpResponses = meter.ByTag("rxfactorio.http.attempts"),
            HttpRetriesByStatus = meter.ByTag("rxfactorio.http.retries"),
            HttpFailures = meter.Total("rxfactorio.http.failures"),
            RowsDropped = meter.Total("rxfactorio.rows.dropped"),
            KeysDropped = meter.ByTag("rxfactorio.keys.dropped"),
            BatchesSkipped = meter.Total("rxfactorio.batches.skipped"),
            LinesOversized = meter.Total("rxfactorio.lines.oversized"),
            RateBudgetWaits = meter.Total("rxfactorio.ratebudget.waits"),
            RateBudgetHolds = meter.ByTag("rxfactorio.ratebudget.holds"),
            RateBudgetQueued = meter.Total("rxfactorio.ratebudget.queued"),
            ActiveRuns = meter.Total("rxfactorio.runs.active"),
            RowsPending = meter.Total("rxfactorio.rows.pending"),
            BytesPending = meter.Total("rxfactorio.bytes.pending"),
            RunLogBytes = runLogBytes,
            BytesRead = BytesRead,
            State = _state,
            Sources = Sources.Snapshot(),
            SourcesOpen = meter.ByTag("rxfactorio.sources.open"),
        };
    }
}

/// <summary>A copy of <see cref="PipelineMetrics"/> at one moment.</summary>
internal sealed record MetricsSnapshot
{
    public long Lines { get; init; }

    public long Rows { get; init; }

    public long Batches { get; init; }

    public IReadOnlyDictionary<string, long> Events { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> Rejected { get; init; } = new Dictionary<string, long>();

    public long EventsTotal => Events.Values.Sum();

    public long RejectedTotal => Rejected.Values.Sum();

    public long RowsSent { get; init; }

    public long HttpRequests { get; init; }

    public long HttpRetries { get; init; }

    /// <summary>Every attempt's outcome by status code (or "error").</summary>
    public IReadOnlyDictionary<string, long> HttpResponses { get; init; } = new Dictionary<string, long>();

    /// <summary>Retries by the status of the failed attempt (or "error").</summary>
    public IReadOnlyDictionary<string, long> HttpRetriesByStatus { get; init; } = new Dictionary<string, long>();

    public long HttpFailures { get; init; }

    /// <summary>History rows not sent to W&amp;B (over its line limit, or for a stopped, failed or unknown run).</summary>
    public long RowsDropped { get; init; }

    /// <summary>History keys dropped for a key limit, by the limit's setting name.</summary>
    public IReadOnlyDictionary<string, long> KeysDropped { get; init; } = new Dictionary<string, long>();

    /// <summary>Batches not sent because their run was stopped in the W&amp;B UI, failed, or unknown.</summary>
    public long BatchesSkipped { get; init; }

    /// <summary>History, summary or log lines not sent: larger than W&amp;B's line limit.</summary>
    public long LinesOversized { get; init; }

    /// <summary>Attempts at W&amp;B requests that queued for the process's rate budget.</summary>
    public long RateBudgetWaits { get; init; }

    /// <summary>Times a W&amp;B response held every request until a time, by reason (retry-after, ratelimit-reset).</summary>
    public IReadOnlyDictionary<string, long> RateBudgetHolds { get; init; } = new Dictionary<string, long>();

    /// <summary>Attempts waiting for the rate budget now.</summary>
    public long RateBudgetQueued { get; init; }

    public long ActiveRuns { get; init; }

    public long RowsPending { get; init; }

    public long BytesPending { get; init; }

    public long RunLogBytes { get; init; }

    public long BytesRead { get; init; }

    public PipelineState State { get; init; }

    public IReadOnlyList<SourceStatus> Sources { get; init; } = [];

    /// <summary>1 for each source open now, 0 for one that waits, closed or failed (the meter's <c>rxfactorio.sources.open</c>, by source).</summary>
    public IReadOnlyDictionary<string, long> SourcesOpen { get; init; } = new Dictionary<string, long>();
}
