using System.Reactive.Concurrency;

namespace RxFactorio.RunLog;

/// <summary>Where and how an <see cref="OfflineRunSink"/> writes runs.</summary>
public sealed record OfflineRunSinkOptions
{
    /// <summary>The root directory: W&amp;B's <c>WANDB_DIR</c>, or the working directory. Runs go to its <c>wandb/</c> folder.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>The W&amp;B entity written into run records; <c>null</c> leaves it to <c>sync</c>.</summary>
    public string? Entity { get; init; }

    /// <summary>The W&amp;B project written into run records; <c>null</c> leaves it to <c>sync</c>.</summary>
    public string? Project { get; init; }

    /// <summary>Force every batch to disk (<c>fsync</c>). Off by default: a batch is handed to the operating system, which survives a crash of the process but not of the machine.</summary>
    public bool Durable { get; init; }

    /// <summary>The clock for run start times and output timestamps, e.g. the pipeline's scheduler; <c>null</c> = the wall clock.</summary>
    public IScheduler? Clock { get; init; }

    /// <summary>The time zone of folder timestamps; <c>null</c> = local time, as W&amp;B does.</summary>
    public TimeZoneInfo? TimeZone { get; init; }
}
