using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>What a <see cref="RunLogWriter"/> puts into the run record, and how hard it flushes.</summary>
internal sealed record RunLogWriterOptions
{
    /// <summary>The W&amp;B entity (user or team); <c>null</c> leaves it to <c>wandb sync</c> or the server (the key owner's default).</summary>
    public string? Entity { get; init; }

    /// <summary>The W&amp;B project; <c>null</c> leaves it to <c>wandb sync</c> (which uses <c>uncategorized</c> without one).</summary>
    public string? Project { get; init; }

    /// <summary>Tags, group, notes, job type and host written into every run record (so that offline runs keep them for <c>sync</c>).</summary>
    public RunAttributes Attributes { get; init; } = RunAttributes.None;

    /// <summary>How a run's source label shows besides its config <c>source</c>: a tag (the default), the group, or not.</summary>
    public SourceLabelUse LabelAs { get; init; }

    /// <summary>Force every flush to disk (<c>fsync</c>): slower, but a power loss loses nothing flushed. Off by default.</summary>
    public bool Durable { get; init; }

    /// <summary>The telemetry platform string written in the run record.</summary>
    public string Platform { get; init; } = "rxfactorio/" + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
}
