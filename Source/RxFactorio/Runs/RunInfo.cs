namespace RxFactorio.Runs;

/// <summary>What W&amp;B needs to create (or resume) one run.</summary>
public sealed record RunInfo
{
    /// <summary>The run id: 8 lowercase letters and digits, random; never derived from the session id.</summary>
    public required string RunId { get; init; }

    /// <summary>The display name, <c>{session_id}_{random u32}</c>.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The key this run was routed by.</summary>
    public required RunKey Key { get; init; }

    /// <summary>The game session's id (untrusted text: never use it as a path).</summary>
    public string SessionId => Key.SessionId;

    /// <summary>The level name from <c>session_init</c>; <c>null</c> when the run started without one.</summary>
    public string? LevelName { get; init; }

    /// <summary>Tags, group, notes, job type and host: what the run log's run record holds (empty for a run not yet logged).</summary>
    public RunAttributes Attributes { get; init; } = RunAttributes.None;

    /// <summary>The tick the run started at; <c>_runtime</c> counts from here.</summary>
    public required long StartTick { get; init; }

    /// <summary>
    /// The label of the source the run was read from (config <c>source</c>, and a tag or the group:
    /// <see cref="SourceLabelUse"/>); <c>null</c> when the source has none (a replay, an embedder's run).
    /// </summary>
    public string? SourceLabel { get; init; }

    /// <summary>The run's config: <c>session_id</c>, <c>level_name</c> (when known), <c>start_tick</c>, and <c>source</c> when the run has a <see cref="SourceLabel"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Config => SourceLabel is null
        ? [new("session_id", SessionId), new("level_name", LevelName), new("start_tick", StartTick)]
        : [new("session_id", SessionId), new("level_name", LevelName), new("start_tick", StartTick), new("source", SourceLabel)];
}
