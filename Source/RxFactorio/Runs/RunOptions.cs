using RxFactorio.Diagnostics;

namespace RxFactorio.Runs;

/// <summary>How events become runs, rows and batches. One place for the run stage's defaults.</summary>
public sealed record RunOptions
{
    /// <summary>The default <see cref="IdleTimeout"/>: 15 minutes.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The default <see cref="BatchWindow"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A run with no event for this long is flushed and finished; a later event of the same
    /// session on the same source, before any other session, resumes it. <see cref="TimeSpan.Zero"/> = never.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

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
    /// Runs to continue, at most one per source (crash recovery): each starts out idle, so the
    /// source's next event of its session resumes it under the same run id.
    /// </summary>
    public IReadOnlyList<ResumedRun> Resume { get; init; } = [];

    /// <summary>Throws when a value is out of range, naming the setting.</summary>
    public void Validate()
    {
        if (Resume.GroupBy(r => r.Run.Key.Source).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Resume holds more than one run for source '{twice.Key}'.", nameof(Resume));
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
