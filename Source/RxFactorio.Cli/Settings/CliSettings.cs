using System.Collections.Immutable;
using RxFactorio.Runs;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Settings;

/// <summary>The effective settings of one command, after rxfactorio.json, the environment and the flags.</summary>
internal sealed record CliSettings
{
    public WandbMode? Mode { get; init; }

    public required WandbOptions Wandb { get; init; }

    public required RunOptions Runs { get; init; }

    /// <summary>The root of offline run folders: <c>WANDB_DIR</c>, else the working directory.</summary>
    public required string Directory { get; init; }

    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>The project when a layer set one (else a run log's own project wins over the default).</summary>
    public string? ExplicitProject { get; init; }

    /// <summary>The entity when a layer set one.</summary>
    public string? ExplicitEntity { get; init; }
}
