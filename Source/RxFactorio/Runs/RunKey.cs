namespace RxFactorio.Runs;

/// <summary>
/// Identifies one run: a session on a source, in a generation. Every new run on the source advances
/// the generation, so a save loaded twice is two runs; a run that resumes (after idle or the
/// session grace) keeps its key.
/// </summary>
/// <param name="Source">The source's display name.</param>
/// <param name="SessionId">The game session's id (untrusted text).</param>
/// <param name="Generation">Counts the runs started on this source, from 1.</param>
public readonly record struct RunKey(string Source, string SessionId, long Generation);
