using System.Collections.Immutable;

namespace RxFactorio.Runs;

/// <summary>
/// What a W&amp;B run is described by besides its id, name and config: tags, group, notes, job
/// type and the host it was recorded on. They are written into the run log's run record (W&amp;B's
/// <c>RunRecord</c> fields <c>run_group</c>, <c>job_type</c>, <c>notes</c>, <c>tags</c>,
/// <c>host</c>), so that an offline run keeps them and <c>sync</c> restores them.
/// </summary>
public sealed record RunAttributes
{
    /// <summary>No tags, group, notes, job type or host.</summary>
    public static RunAttributes None { get; } = new();

    /// <summary>The run's tags.</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>The run group (W&amp;B <c>groupName</c>), or <c>null</c>.</summary>
    public string? Group { get; init; }

    /// <summary>The run's notes, or <c>null</c>.</summary>
    public string? Notes { get; init; }

    /// <summary>The job type, or <c>null</c>.</summary>
    public string? JobType { get; init; }

    /// <summary>The machine the run was recorded on (W&amp;B shows it in the run's overview), or <c>null</c>.</summary>
    public string? Host { get; init; }

    /// <summary>
    /// These attributes, with each one that is empty here taken from <paramref name="fallback"/>:
    /// a run log's own attributes win over the options of the process that ships it.
    /// </summary>
    /// <param name="fallback">The attributes to fill gaps from.</param>
    internal RunAttributes Or(RunAttributes fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new RunAttributes
        {
            Tags = Tags.IsDefaultOrEmpty ? fallback.Tags : Tags,
            Group = string.IsNullOrEmpty(Group) ? fallback.Group : Group,
            Notes = string.IsNullOrEmpty(Notes) ? fallback.Notes : Notes,
            JobType = string.IsNullOrEmpty(JobType) ? fallback.JobType : JobType,
            Host = string.IsNullOrEmpty(Host) ? fallback.Host : Host,
        };
    }

    /// <summary>
    /// These attributes for a run whose source has <paramref name="label"/>: the label added to the
    /// tags (<see cref="SourceLabelUse.Tag"/>, once), or as the group (<see cref="SourceLabelUse.Group"/>);
    /// unchanged without a label or with <see cref="SourceLabelUse.None"/>.
    /// </summary>
    /// <param name="label">The run's source label, or <c>null</c>.</param>
    /// <param name="use">How the label shows.</param>
    internal RunAttributes WithSourceLabel(string? label, SourceLabelUse use) => (label, use) switch
    {
        (null, _) or (_, SourceLabelUse.None) => this,
        (_, SourceLabelUse.Group) => this with { Group = label },
        _ when !Tags.IsDefault && Tags.Contains(label, StringComparer.Ordinal) => this,
        _ => this with { Tags = Tags.IsDefault ? [label] : Tags.Add(label) },
    };
}
