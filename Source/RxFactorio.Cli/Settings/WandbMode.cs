namespace RxFactorio.Cli.Settings;

/// <summary>Where runs go (<c>WANDB_MODE</c>).</summary>
internal enum WandbMode
{
    /// <summary>To a W&amp;B server over HTTP.</summary>
    Online,

    /// <summary>To run folders on disk, uploaded later with <c>rxfactorio sync</c>.</summary>
    Offline,

    /// <summary>Nowhere: the pipeline runs, nothing is kept (for testing a setup).</summary>
    Disabled,
}
