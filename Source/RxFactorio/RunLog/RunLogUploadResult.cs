namespace RxFactorio.RunLog;

/// <summary>What uploading one run log did.</summary>
/// <param name="LogFile">The <c>.wandb</c> file.</param>
/// <param name="RunId">The run's id (empty when the log had no run record).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="RowsSent">History rows sent now (rows the server already had are not sent again).</param>
/// <param name="Entity">The entity the run went to, from the server.</param>
/// <param name="Project">The project the run went to, from the server.</param>
/// <param name="Problem">Why the log was damaged or could not be uploaded, if so.</param>
internal sealed record RunLogUploadResult(string LogFile, string RunId, RunLogUploadOutcome Outcome, long RowsSent, string? Entity, string? Project, string? Problem);

/// <summary>The outcome of uploading one run log.</summary>
internal enum RunLogUploadOutcome
{
    /// <summary>Uploaded and finished; marked <c>.synced</c>.</summary>
    Synced,

    /// <summary>Already marked <c>.synced</c>; nothing was sent.</summary>
    AlreadySynced,

    /// <summary>The log holds no run record; nothing was sent.</summary>
    Unreadable,

    /// <summary>Another program wrote the log (the W&amp;B SDK); nothing was sent: <c>wandb sync</c> uploads it faithfully.</summary>
    Refused,

    /// <summary>The server stopped the run or refused part of it; not marked synced.</summary>
    Failed,
}
