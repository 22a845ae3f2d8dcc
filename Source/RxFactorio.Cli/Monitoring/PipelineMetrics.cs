using System.Collections.Concurrent;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

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
/// Live counters of one pipeline, fed by taps in the composition (events, commands into and out
/// of the sink) and read by <c>/metrics</c>, <c>/healthz</c> and the status line. Thread-safe.
/// </summary>
internal sealed class PipelineMetrics(DiagnosticCounts diagnostics)
{
    private readonly ConcurrentDictionary<string, long> _events = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private long _activeRuns;
    private long _rowsPending;
    private long _bytesPending;
    private long _rowsDelivered;
    private volatile PipelineState _state = PipelineState.Starting;
    private volatile string? _failure;

    public DiagnosticCounts Diagnostics { get; } = diagnostics;

    /// <summary>The state of each source, fed by the sources' state callbacks.</summary>
    public SourceStates Sources { get; } = new();

    /// <summary>The W&amp;B connection's counters when the sink is online.</summary>
    public WandbCounters? Wandb { get; set; }

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

    public void CountEvent(FactorioEvent e)
    {
        _events.AddOrUpdate(TypeOf(e), 1, static (_, n) => n + 1);
        _offsets[e.Source] = e.SourceOffset;
    }

    /// <summary>A command handed to the sink.</summary>
    public void Queued(RunCommand command)
    {
        if (command is LogBatch batch)
        {
            Interlocked.Add(ref _rowsPending, batch.Rows.Length);
            Interlocked.Add(ref _bytesPending, Weight(batch));
        }
    }

    /// <summary>A command the sink carried out.</summary>
    public void Delivered(RunCommand command)
    {
        switch (command)
        {
            case StartRun:
                Interlocked.Increment(ref _activeRuns);
                break;
            case LogBatch batch:
                Interlocked.Add(ref _rowsPending, -batch.Rows.Length);
                Interlocked.Add(ref _bytesPending, -Weight(batch));
                Interlocked.Add(ref _rowsDelivered, batch.Rows.Length);
                break;
            case FinishRun:
                Interlocked.Decrement(ref _activeRuns);
                break;
        }
    }

    /// <summary>The byte offset reached in each source (for a replay's progress).</summary>
    public long BytesRead => _offsets.Values.Sum();

    /// <param name="includeRunLogBytes">
    /// Measure the run logs on disk (a directory walk): only for <c>/metrics</c>, not for the
    /// once-a-second status tick of a process that idles for weeks.
    /// </param>
    public MetricsSnapshot Snapshot(bool includeRunLogBytes = false)
    {
        var wandb = Wandb?.Snapshot();
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
            Events = new SortedDictionary<string, long>(_events, StringComparer.Ordinal),
            Rejected = Diagnostics.ByReason.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
            RowsSent = wandb?.RowsSent ?? Interlocked.Read(ref _rowsDelivered),
            HttpRequests = wandb?.Requests ?? 0,
            HttpRetries = wandb?.Retries ?? 0,
            HttpResponses = Wandb?.ResponsesByStatus() ?? Empty,
            HttpRetriesByStatus = Wandb?.RetriesByStatus() ?? Empty,
            HttpFailures = wandb?.FailedRequests ?? 0,
            ActiveRuns = Interlocked.Read(ref _activeRuns),
            RowsPending = Interlocked.Read(ref _rowsPending),
            BytesPending = Interlocked.Read(ref _bytesPending),
            RunLogBytes = runLogBytes,
            BytesRead = BytesRead,
            State = _state,
            Sources = Sources.Snapshot(),
        };
    }

    private static readonly IReadOnlyDictionary<string, long> Empty = new Dictionary<string, long>();

    private static string TypeOf(FactorioEvent e) => e switch
    {
        StatsEvent => "stats",
        GameEvent => "game",
        SessionInit => "session_init",
        _ => "other",
    };

    // NOTE: the same estimate as the library's sink pump, so rows/bytes pending match its bounds.
    private static long Weight(LogBatch batch) =>
        batch.Rows.Sum(r => (long)r.EstimatedBytes) + batch.LogLines.Sum(l => (long)l.Length);
}

/// <summary>A copy of <see cref="PipelineMetrics"/> at one moment.</summary>
internal sealed record MetricsSnapshot
{
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

    public long ActiveRuns { get; init; }

    public long RowsPending { get; init; }

    public long BytesPending { get; init; }

    public long RunLogBytes { get; init; }

    public long BytesRead { get; init; }

    public PipelineState State { get; init; }

    public IReadOnlyList<SourceStatus> Sources { get; init; } = [];
}
