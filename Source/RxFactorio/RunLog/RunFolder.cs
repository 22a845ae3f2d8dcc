namespace RxFactorio.RunLog;

/// <summary>
/// One run's folder in the W&amp;B layout, <c>&lt;root&gt;/wandb/offline-run-YYYYMMDD_HHMMSS-&lt;runid&gt;/</c>,
/// and the paths of what it holds. Only the run id (8 of <c>[a-z0-9]</c>) and the start time go into paths.
/// </summary>
/// <param name="Path">The folder.</param>
/// <param name="RunId">The run id.</param>
internal sealed record RunFolder(string Path, string RunId)
{
    /// <summary>Whether the folder is an offline run's (its name starts with <c>offline-</c>, which is how <c>wandb sync</c> tells).</summary>
    public bool IsOffline => System.IO.Path.GetFileName(Path).StartsWith("offline-", StringComparison.Ordinal);

    /// <summary>The transaction log, <c>run-&lt;runid&gt;.wandb</c>.</summary>
    public string LogFile => System.IO.Path.Combine(Path, $"run-{RunId}.wandb");

    /// <summary>The empty marker written once the log has been uploaded, <c>run-&lt;runid&gt;.wandb.synced</c>.</summary>
    public string SyncedMarker => RunLog.SyncedMarker.PathFor(LogFile);

    /// <summary>RxFactorio's acknowledgement state of the upload, <c>run-&lt;runid&gt;.wandb.ack.json</c> (see <see cref="RunLogAck"/>).</summary>
    public string AckFile => RunLogAck.PathFor(LogFile);

    /// <summary>The run files folder, <c>files/</c>.</summary>
    public string FilesDirectory => System.IO.Path.Combine(Path, "files");

    /// <summary><c>files/wandb-metadata.json</c>: program, arguments, host, os, start time, source and session (<see cref="RunMetadata"/>).</summary>
    public string MetadataFile => FilePath(RunFiles.Metadata);

    /// <summary><c>files/wandb-summary.json</c>: the latest summary as one JSON object.</summary>
    public string SummaryFile => FilePath(RunFiles.Summary);

    /// <summary><c>files/config.yaml</c>: the config in W&amp;B's <c>key: {value: …}</c> form.</summary>
    public string ConfigFile => FilePath(RunFiles.Config);

    /// <summary><c>files/output.log</c>: the run's log lines.</summary>
    public string OutputLog => FilePath(RunFiles.Output);

    /// <summary>The path of a run file, by its name in the run (one of <see cref="RunFiles.All"/>).</summary>
    public string FilePath(string name) => System.IO.Path.Combine(FilesDirectory, name);
}
