namespace RxFactorio.RunLog;

/// <summary>
/// The <c>run-&lt;runid&gt;.wandb.synced</c> marker: an empty file beside a log that has been uploaded
/// completely. W&amp;B's <c>wandb sync</c> writes and honours the same marker (docs/wandb-protocol.md §7).
/// </summary>
internal static class SyncedMarker
{
    /// <summary>The marker's path for a log: the log's path plus <c>.synced</c>.</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    public static string PathFor(string logFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(logFile);
        return logFile + ".synced";
    }

    /// <summary>Whether the log has been uploaded (its marker exists).</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    public static bool IsSynced(string logFile) => File.Exists(PathFor(logFile));

    /// <summary>Marks the log as uploaded (creates the empty marker; an existing one is kept).</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    /// <exception cref="IOException">The marker cannot be written; the message names it.</exception>
    public static void Mark(string logFile)
    {
        var marker = PathFor(logFile);
        PathErrors.Wrap(marker, "write the synced marker", () =>
        {
            using var _ = new FileStream(marker, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        });
    }

    /// <summary>Removes the marker (the log got new records after its upload).</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    /// <exception cref="IOException">The marker cannot be removed; the message names it.</exception>
    public static void Clear(string logFile)
    {
        var marker = PathFor(logFile);
        PathErrors.Wrap(marker, "remove the synced marker", () => File.Delete(marker));
    }
}
