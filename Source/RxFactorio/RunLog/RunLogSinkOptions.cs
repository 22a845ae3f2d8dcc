using System.Reactive.Concurrency;
using RxFactorio.Runs;
using RxFactorio.Sources;

namespace RxFactorio.RunLog;

/// <summary>Where a <see cref="RunLogSink"/> keeps its run logs, and how its shipper sends them.</summary>
public sealed record RunLogSinkOptions
{
    /// <summary>The root directory: W&amp;B's <c>WANDB_DIR</c>, or the working directory. Run logs go to <c>wandb/run-…/</c> (online) or <c>wandb/offline-run-…/</c> in it.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>The W&amp;B entity written into run records (for a later <c>sync</c>); <c>null</c> leaves it to the server.</summary>
    public string? Entity { get; init; }

    /// <summary>The W&amp;B project written into run records (for a later <c>sync</c>).</summary>
    public string? Project { get; init; }

    /// <summary>
    /// Tags, group, notes, job type and host written into every run log (online and offline), so
    /// that <c>sync</c> restores them; the default names this machine as the host.
    /// </summary>
    public RunAttributes Attributes { get; init; } = new() { Host = Environment.MachineName };

    /// <summary>How a run's source label (<see cref="RunInfo.SourceLabel"/>) shows besides its config <c>source</c>: a tag (the default), the group, or not.</summary>
    public SourceLabelUse LabelAs { get; init; }

    /// <summary>The command line that started the runs, without the program, for <c>wandb-metadata.json</c> (secrets masked there).</summary>
    internal IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>Force every flush to disk (<c>fsync</c>). Off by default: what is flushed survives a crash of the process, not of the machine.</summary>
    public bool Durable { get; init; }

    /// <summary>The clock for run start times and output timestamps, e.g. the pipeline's scheduler; <c>null</c> = the wall clock.</summary>
    public IScheduler? Clock { get; init; }

    /// <summary>The time zone of folder timestamps; <c>null</c> = local time, as W&amp;B does.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>The most history rows the shipper reads from a log into one request (and so holds in memory per run, as their escaped history lines: no values).</summary>
    public int RowsPerRequest { get; init; } = 500;

    /// <summary>
    /// How long the shipper lets rows gather in the log before it sends fewer than
    /// <see cref="RowsPerRequest"/> of them (on the connection's clock): the <c>Buffer</c> of what is sent.
    /// A finished run, and a full request, go at once. Zero sends whatever is there.
    /// </summary>
    public TimeSpan SendWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the shipper waits (on the connection's clock) before it tries a run again whose
    /// request failed for good; <c>null</c> gives the run up (what <c>sync</c> does: the run is reported failed and stays unsynced).
    /// </summary>
    public TimeSpan? RetryFailedRunAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The folder a stats line's <c>screenshot_path</c> is relative to (the game's <c>script-output</c>);
    /// <c>null</c> = the folder of the source file or FIFO, and no screenshots from UDP or stdin sources.
    /// </summary>
    public string? ScriptOutputDirectory { get; init; }

    /// <summary>The least game time between two images of one run (60 s); screenshots sooner are counted and not logged. Zero logs every one.</summary>
    public TimeSpan ScreenshotInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where screenshot diagnostics go (a missing, unsafe, non-PNG or rate-limited screenshot); <c>null</c> ignores them.</summary>
    public IObserver<Diagnostics.IngestDiagnostic>? Diagnostics { get; init; }

    /// <summary>The checkpoints to keep, by source display name (the runs' <see cref="Runs.RunKey.Source"/>).</summary>
    internal IReadOnlyDictionary<string, SourceCheckpointStore> Checkpoints { get; init; } = new Dictionary<string, SourceCheckpointStore>();

    /// <summary>
    /// Runs a crashed process left unfinished, by run id, with the source they were fed from: when
    /// that source starts another run, the old one is finished (and it is finished at a clean shutdown
    /// if it was not continued).
    /// </summary>
    public IReadOnlyDictionary<string, string> RecoveredSources { get; init; } = new Dictionary<string, string>();
}
