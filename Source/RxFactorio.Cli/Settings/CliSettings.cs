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

    /// <summary>The project when a layer set one (else a run log's own project wins over the default).</summary>
    public string? ExplicitProject { get; init; }

    /// <summary>The entity when a layer set one.</summary>
    public string? ExplicitEntity { get; init; }

    /// <summary>The game's script-output folder screenshot paths are relative to (<c>screenshots:scriptOutput</c>); null = each source file's folder.</summary>
    public string? ScriptOutput { get; init; }

    /// <summary>The least game time between two images of a run (<c>screenshots:interval</c>); zero = every one.</summary>
    public TimeSpan ScreenshotInterval { get; init; } = DefaultScreenshotInterval;

    /// <summary>How long a graceful stop may take to flush and finish every run (<c>runs:shutdownTimeout</c>).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary>Where <c>/healthz</c> and <c>/metrics</c> are served (<c>health:url</c>); null = not served.</summary>
    public Uri? HealthUrl { get; init; }

    /// <summary>Allow <see cref="HealthUrl"/> on a non-loopback address (<c>health:allowRemote</c>).</summary>
    public bool HealthAllowRemote { get; init; }

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultScreenshotInterval = TimeSpan.FromSeconds(60);
}
