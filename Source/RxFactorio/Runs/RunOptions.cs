using RxFactorio.Diagnostics;

namespace RxFactorio.Runs;

/// <summary>How events become runs, rows and batches. One place for the run stage's defaults.</summary>
public sealed record RunOptions
{
    /// <summary>The default <see cref="IdleTimeout"/>: 15 minutes.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The default <see cref="SessionGrace"/>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultSessionGrace = TimeSpan.FromSeconds(60);

    /// <summary>The default <see cref="MaxKeysPerRun"/>: 10,000 (W&amp;B suggests under 10,000 distinct metrics).</summary>
    public const int DefaultMaxKeysPerRun = 10_000;

    /// <summary>The default <see cref="MaxKeysPerRow"/>: 5,000.</summary>
    public const int DefaultMaxKeysPerRow = 5_000;

    /// <summary>The default <see cref="BatchWindow"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A run with no event for this long is flushed and finished; a later event of the same
    /// session on the same source, before any other session, resumes it. <see cref="TimeSpan.Zero"/> = never.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>
    /// A source may carry several sessions at once, each its own run. A session's run ends when the
    /// session has had no event for this long while another session of the same source went on
    /// (a single game that loaded another save, or one of several games that stopped); a later event
    /// of the session resumes it, unless a new run started on the source meanwhile. Live it is
    /// measured on the run stage's clock; in a replay, in the recording's game time, so the result
    /// does not depend on the replay's speed. <see cref="TimeSpan.Zero"/> = only idle, a
    /// <c>session_init</c> of the session or shutdown end a run.
    /// </summary>
    public TimeSpan SessionGrace { get; init; } = DefaultSessionGrace;

    /// <summary>
    /// Measure <see cref="SessionGrace"/> in game time instead of on the scheduler: each session's
    /// own ticks (60 to a second, forward only), every session of a source taken to play at once.
    /// Set it when the events come from a recording (<c>rxfactorio replay</c> does), so that which
    /// runs end where does not depend on how fast the recording is read.
    /// </summary>
    public bool GraceInGameTime { get; init; }

    /// <summary>
    /// The most distinct history keys a run logs (zero-filled keys included). A key that would go
    /// past it is dropped from the run; the first drop of a run is a counted diagnostic
    /// (<see cref="DiagnosticReason.KeyLimit"/>) naming the limit.
    /// </summary>
    public int MaxKeysPerRun { get; init; } = DefaultMaxKeysPerRun;

    /// <summary>The most history keys in one row (zero-filled keys included); past it keys are dropped, as for <see cref="MaxKeysPerRun"/>.</summary>
    public int MaxKeysPerRow { get; init; } = DefaultMaxKeysPerRow;

    /// <summary>
    /// Only history keys matching one of these globs are logged (<c>*</c> any characters, <c>/</c>
    /// included; <c>?</c> one), e.g. <c>production/*</c>; empty = every key.
    /// </summary>
    public IReadOnlyList<string> IncludeKeys { get; init; } = [];

    /// <summary>History keys matching one of these globs are not logged (after <see cref="IncludeKeys"/>), e.g. <c>consumption/*-barrel</c>.</summary>
    public IReadOnlyList<string> ExcludeKeys { get; init; } = [];

    /// <summary>Log a <c>production/…</c> or <c>consumption/…</c> key seen earlier in the run and absent now as 0, as the original client did.</summary>
    public bool ZeroFill { get; init; } = true;

    /// <summary>
    /// How long a row waits for more <c>stats</c> of its cycle when no later cycle arrives (the game
    /// paused). A row is complete, and goes to the run log at once, when a later cycle arrives or
    /// after this quiet time; rows are not held back to fill a batch (the shipper gathers what it
    /// sends to W&amp;B: <see cref="RunLog.RunLogSinkOptions.SendWindow"/>).
    /// </summary>
    public TimeSpan BatchWindow { get; init; } = DefaultBatchWindow;

    /// <summary>The most rows and log lines in one batch (one run-log append, e.g. of a file read from its start).</summary>
    public int MaxBatchRows { get; init; } = 500;

    /// <summary>The most bytes (estimated as JSON) in one batch: 8 MiB, under W&amp;B's 10 MiB request limit.</summary>
    public int MaxBatchBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Downsampling: log the mean of every N consecutive rows (event counts summed), at the step of the last. 1 = off.</summary>
    public int Every { get; init; } = 1;

    /// <summary>Random numbers for run ids and display names; set a seeded one for reproducible tests.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Where stale-cycle diagnostics go; <c>null</c> ignores them.</summary>
    public IObserver<IngestDiagnostic>? Diagnostics { get; init; }

    /// <summary>
    /// The label of a source, by its name (<see cref="Events.FactorioEvent.Source"/>): a new run of
    /// the source gets it as its <see cref="RunInfo.SourceLabel"/>. Asked once per new run, on the run
    /// stage; must be quick and thread-safe. <c>null</c>, or <c>null</c> for a source: no label.
    /// </summary>
    public Func<string, string?>? SourceLabels { get; init; }

    /// <summary>
    /// Runs to continue, at most one per session of a source (crash recovery): each starts out idle,
    /// so the source's next event of its session resumes it under the same run id.
    /// </summary>
    internal IReadOnlyList<ResumedRun> Resume { get; init; } = [];

    /// <summary>Throws when a value is out of range, naming the setting.</summary>
    public void Validate()
    {
        if (Resume.GroupBy(r => (r.Run.Key.Source, r.Run.SessionId)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Resume holds more than one run for a session of source '{twice.Key.Source}'.", nameof(Resume));
        }
        if (SessionGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionGrace), SessionGrace, "SessionGrace must be zero (off) or positive.");
        }
        if (MaxKeysPerRun < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeysPerRun), MaxKeysPerRun, "MaxKeysPerRun must be at least 1.");
        }
        if (MaxKeysPerRow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeysPerRow), MaxKeysPerRow, "MaxKeysPerRow must be at least 1.");
        }
        if (IdleTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "IdleTimeout must be zero (never) or positive.");
        }
        if (BatchWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchWindow), BatchWindow, "BatchWindow must be positive.");
        }
        if (MaxBatchRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchRows), MaxBatchRows, "MaxBatchRows must be at least 1.");
        }
        if (MaxBatchBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), MaxBatchBytes, "MaxBatchBytes must be at least 1024.");
        }
        if (Every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Every), Every, "Every must be at least 1.");
        }
    }
}
