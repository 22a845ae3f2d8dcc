using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// What <c>run</c> picks up from a previous process for its sources: a checkpoint per source
/// (<c>&lt;dir&gt;/wandb/checkpoints/</c>) naming the runs it fed, one per session, each to continue
/// under the same id when the source's next lines of its session come; for a tailed file also where to read on.
/// A FIFO, stdin or UDP port is not read again: its run continues with the lines that come next.
/// A source a pattern finds later (<see cref="Track"/>) gets a checkpoint from then on; a restart
/// finds it among the sources there at its start.
/// </summary>
internal sealed class RecoveryPlan(string checkpointDirectory)
{
    /// <summary>The checkpoint of every source, by source name (as given on the command line, or as a pattern found it); read by the sink while sources are added.</summary>
    public ConcurrentDictionary<string, SourceCheckpointStore> Checkpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>Run id → the source it was fed from, for runs named by a checkpoint.</summary>
    public Dictionary<string, string> RecoveredSources { get; } = new(StringComparer.Ordinal);

    /// <summary>The runs the run stage continues.</summary>
    public List<ResumedRun> Runs { get; } = [];

    /// <summary>Where each tailed source reads on, with the line number and the fingerprint of the bytes before it.</summary>
    public Dictionary<string, (TailPosition At, long Line, string? Fingerprint)> StartAt { get; } = new(StringComparer.Ordinal);

    public static RecoveryPlan ForSources(IEnumerable<string> paths, string rootDirectory, ILogger logger)
    {
        var layout = new OfflineLayout(rootDirectory);
        var plan = new RecoveryPlan(Path.Combine(layout.WandbDirectory, "checkpoints"));
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var tailed = LiveSources.Detect(path) == SourceKind.TailedFile;
            var store = plan.Track(path);
            if (store.Load() is not { } checkpoint)
            {
                continue;
            }
            var runs = checkpoint.RunsToContinue.Where(r => OfflineLayout.IsValidRunId(r.RunId)).ToList();
            foreach (var run in runs)
            {
                plan.RecoveredSources[run.RunId] = path;
            }
            if (!tailed)
            {
                // A FIFO, stdin or UDP port: each run continues if the lines after the restart are of its session.
                foreach (var run in runs)
                {
                    if (ResumeFromLog(layout, path, run.RunId) is { } stream && !plan.ContinuesSession(path, stream))
                    {
                        plan.Runs.Add(stream);
                        logger.LogInformation("{Source}: run {RunId} continues after step {Step} if the next lines are of its session",
                            RxFactorio.Diagnostics.Printable.Of(path), run.RunId, stream.LastStep?.ToString() ?? "-");
                    }
                }
                continue;
            }
            if (store.ResumePosition(checkpoint) is not { } at)
            {
                logger.LogWarning("{Source} is not the file its checkpoint was taken of (replaced, truncated, or rewritten in place): reading it from the start, with line numbers from 1", path);
                continue;
            }
            plan.StartAt[path] = (at, checkpoint.Line, checkpoint.Fingerprint);
            foreach (var run in runs)
            {
                if (ResumeFromLog(layout, path, run.RunId) is not { } resumed || plan.ContinuesSession(path, resumed))
                {
                    continue;
                }
                plan.Runs.Add(resumed with
                {
                    ResumeOffset = checkpoint.Offset,
                    ResumeLine = checkpoint.Line,
                    ThroughOffset = run.ThroughOffset,
                });
                logger.LogInformation("{Source}: reading on from byte {Offset} (line {Line}), continuing run {RunId} after step {Step}",
                    path, checkpoint.Offset, checkpoint.Line, run.RunId, resumed.LastStep?.ToString() ?? "-");
            }
        }
        return plan;
    }

    /// <summary>
    /// The checkpoint store of <paramref name="path"/>, made when it has none yet (a file a pattern
    /// found after the start: read from its start, its checkpoint written from then on).
    /// </summary>
    public SourceCheckpointStore Track(string path) =>
        Checkpoints.GetOrAdd(path, p => new SourceCheckpointStore(checkpointDirectory, p, tracksPosition: LiveSources.Detect(p) == SourceKind.TailedFile));

    /// <summary>Whether a run of the same session of <paramref name="path"/> is continued already (one run per session).</summary>
    private bool ContinuesSession(string path, ResumedRun run) =>
        Runs.Any(r => r.Run.Key.Source == path && r.Run.SessionId == run.Run.SessionId);

    /// <summary>The run <paramref name="runId"/> as its log leaves it, to continue from <paramref name="path"/>; <c>null</c> without a readable log.</summary>
    private static ResumedRun? ResumeFromLog(OfflineLayout layout, string path, string runId)
    {
        if (layout.FindRunFolder(runId) is not { } folder || RunLogReader.Scan(folder.LogFile) is not { } log || log.ToRunInfo() is not { } info)
        {
            return null;
        }
        var last = log.History.Count > 0 ? log.History[^1] : null;
        return new ResumedRun
        {
            Run = info with { Key = new RunKey(path, info.SessionId, 0) },
            LastStep = last?.Step,
            RowsBefore = log.HistoryCount,
            ZeroFillKeys = last is null ? [] : [.. last.Values.Select(v => v.Key)],
            Summary = [.. log.Summary.Where(kv => !kv.Key.StartsWith('_'))],
        };
    }
}
