using System.Reactive.Concurrency;
using RxFactorio.Sources;

namespace RxFactorio.RunLog;

/// <summary>Where a <see cref="LoggedWandbSink"/> keeps its run logs, and how it sends them.</summary>
public sealed record LoggedWandbSinkOptions
{
    /// <summary>The root directory: W&amp;B's <c>WANDB_DIR</c>, or the working directory. Run logs go to <c>wandb/run-…/</c> in it.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>The W&amp;B entity written into run records (for a later <c>sync</c>); <c>null</c> leaves it to the server.</summary>
    public string? Entity { get; init; }

    /// <summary>The W&amp;B project written into run records (for a later <c>sync</c>).</summary>
    public string? Project { get; init; }

    /// <summary>Force every flush to disk (<c>fsync</c>). Off by default: what is flushed survives a crash of the process, not of the machine.</summary>
    public bool Durable { get; init; }

    /// <summary>The clock for run start times and output timestamps, e.g. the pipeline's scheduler; <c>null</c> = the wall clock.</summary>
    public IScheduler? Clock { get; init; }

    /// <summary>The time zone of folder timestamps; <c>null</c> = local time, as W&amp;B does.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>The most history rows a sender reads from the log into one batch (and so holds in memory).</summary>
    public int RowsPerRequest { get; init; } = 500;

    /// <summary>How long a sender waits (on the connection's clock) before it tries a run again whose request failed for good.</summary>
    public TimeSpan RetryFailedRunAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The checkpoints to keep, by source display name (the runs' <see cref="Runs.RunKey.Source"/>): tailed files only.</summary>
    public IReadOnlyDictionary<string, SourceCheckpointStore> Checkpoints { get; init; } = new Dictionary<string, SourceCheckpointStore>();

    /// <summary>
    /// Runs a crashed process left unfinished, by run id, with the source they were fed from: when
    /// that source starts another run, the old one is finished (and it is finished at a clean shutdown
    /// if it was not continued).
    /// </summary>
    public IReadOnlyDictionary<string, string> RecoveredSources { get; init; } = new Dictionary<string, string>();
}
