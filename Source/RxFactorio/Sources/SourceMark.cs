namespace RxFactorio.Sources;

/// <summary>
/// Where a run stands in its source once a command is in the run log: what a checkpoint stores
/// so that a restarted process reads on without losing or repeating anything.
/// </summary>
/// <param name="Source">The source's display name (the run's <see cref="Runs.RunKey.Source"/>).</param>
/// <param name="ResumeOffset">
/// Where to read on: the byte offset just after the last line whose effects are all in the log.
/// Lines after it may still sit in memory (the row being assembled, counts carried to the next row).
/// </param>
/// <param name="ResumeLine">The line number of that line (0 before the first line).</param>
/// <param name="ThroughOffset">
/// The byte offset just after the last line the run stage had taken in: lines up to here belong
/// to this run, and their log lines are in the log. Lines between <paramref name="ResumeOffset"/>
/// and here are read again after a restart, with their rows deduplicated by step.
/// </param>
/// <param name="LastStep">The last step in the log; <c>null</c> before the first row.</param>
public sealed record SourceMark(string Source, long ResumeOffset, long ResumeLine, long ThroughOffset, long? LastStep)
{
    /// <summary>
    /// Every run of the source a restart may continue (a source carries several sessions): the live
    /// ones and those resting after idle or the grace, each with how far it has taken the source in.
    /// <c>null</c> for a mark made without them (then only the command's run is kept).
    /// </summary>
    internal IReadOnlyList<MarkedRun>? Runs { get; init; }
}

/// <summary>One run of a <see cref="SourceMark.Runs"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="SessionId">Its session (untrusted text).</param>
/// <param name="ThroughOffset">The byte offset just after the run's last line: re-read lines of its session up to here are its.</param>
/// <param name="LastStep">The run's last step released as a row; <c>null</c> before the first.</param>
internal sealed record MarkedRun(string RunId, string SessionId, long ThroughOffset, long? LastStep);
