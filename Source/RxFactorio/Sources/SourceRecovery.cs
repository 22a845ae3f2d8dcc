using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.RunLog;
using RxFactorio.Runs;

namespace RxFactorio.Sources;

/// <summary>
/// Crash recovery for live sources, what <c>rxfactorio run</c> does online: a checkpoint per source
/// (<c>&lt;root&gt;/wandb/checkpoints/</c>, written by the <see cref="RunLogSink"/> after each log
/// flush) names the runs it fed, one per session, each continued under the same id when the source's
/// next lines of its session come; a tailed file also reads on where its rows stopped being safe in
/// the log (lines read again are skipped by step). A FIFO, stdin or UDP port is not read again: its
/// runs continue with the lines that come next.
/// <para>
/// Use one for the sources, the run options and the sink of one pipeline:
/// <see cref="Open"/> each source through it, run the stage with <see cref="ApplyTo(RunOptions)"/>,
/// and create the sink with <see cref="ApplyTo(RunLogSinkOptions)"/> (and call
/// <see cref="RunLogSink.Recover"/> to ship what the killed process's logs still hold).
/// A source opened through it that was not given to <see cref="Load"/> (a file a glob found while
/// running) gets a checkpoint from then on: a later <see cref="Load"/> that names it continues its runs.
/// </para>
/// </summary>
public sealed class SourceRecovery
{
    /// <summary>No recovery: sources read from their start (a tailed file) or from now, every run is new, no checkpoint is written.</summary>
    public static SourceRecovery None { get; } = new(null);

    /// <summary>The checkpoints folder; <c>null</c> for <see cref="None"/>.</summary>
    private readonly string? _checkpointDirectory;

    private SourceRecovery(string? checkpointDirectory)
    {
        _checkpointDirectory = checkpointDirectory;
    }

    /// <summary>
    /// The checkpoint of every source, by source name (as given to <see cref="Load"/>, or opened since);
    /// the sink reads it while sources are added.
    /// </summary>
    internal ConcurrentDictionary<string, SourceCheckpointStore> Checkpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>Run id → the source it was fed from, for runs named by a checkpoint.</summary>
    internal Dictionary<string, string> RecoveredSources { get; } = new(StringComparer.Ordinal);

    /// <summary>The runs the run stage continues.</summary>
    internal List<ResumedRun> Runs { get; } = [];

    /// <summary>Where each tailed source reads on, with the line number and the fingerprint of the bytes before it.</summary>
    internal Dictionary<string, (TailPosition At, long Line, string? Fingerprint)> StartAt { get; } = new(StringComparer.Ordinal);

    /// <summary>How many runs of an earlier process the sources may continue.</summary>
    public int RunsToContinue => Runs.Count;

    /// <summary>
    /// Reads the checkpoints of <paramref name="sources"/> under <paramref name="rootDirectory"/>
    /// and the run logs they name, and plans what each source continues.
    /// </summary>
    /// <param name="sources">The sources as they will be opened: paths (a tailed file, a FIFO), <c>-</c> (stdin) or <c>udp://</c> addresses; they are the runs' source names.</param>
    /// <param name="rootDirectory">The folder holding <c>wandb/</c>: the <see cref="RunLogSinkOptions.RootDirectory"/> of the sink.</param>
    /// <param name="logger">Told what is continued, and about a file that is not the one its checkpoint was taken of.</param>
    /// <exception cref="IOException">A checkpoint cannot be read; the message names it.</exception>
    public static SourceRecovery Load(IEnumerable<string> sources, string rootDirectory, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        logger ??= NullLogger.Instance;
        var layout = new OfflineLayout(rootDirectory);
        var plan = new SourceRecovery(Path.Combine(layout.WandbDirectory, "checkpoints"));
        foreach (var path in sources.Distinct(StringComparer.Ordinal))
        {
            var tailed = LiveSources.Detect(path) == SourceKind.TailedFile;
            var store = plan.Track(path)!;
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
                logger.LogWarning("{Source} is not the file its checkpoint was taken of (replaced, truncated, or rewritten in place): reading it from the start, with line numbers from 1", RxFactorio.Diagnostics.Printable.Of(path));
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
                    RxFactorio.Diagnostics.Printable.Of(path), checkpoint.Offset, checkpoint.Line, run.RunId, resumed.LastStep?.ToString() ?? "-");
            }
        }
        return plan;
    }

    /// <summary>
    /// Opens a live source (<see cref="LiveSources.Open"/>) as events, reading on from its checkpoint:
    /// a tailed file from where its rows stopped being safe in the run log (line numbers go on), and
    /// every kind of source keeping its checkpoint up to date (the sink writes it).
    /// </summary>
    /// <param name="source">The source, as given to <see cref="Load"/>; another one is read from its start (a tailed file) and gets a checkpoint from now on (not with <see cref="None"/>).</param>
    /// <param name="tail">Options for a tailed file; <c>null</c> uses the defaults.</param>
    /// <param name="framing">Framing options; <c>null</c> uses the defaults.</param>
    /// <param name="parsing">Parse options; <c>null</c> uses the defaults.</param>
    /// <param name="logger">Told about the source's life (opened, closed, rotated).</param>
    /// <param name="stateChanged">Told each change of the source's state.</param>
    /// <param name="udp">Options for a UDP source; <c>null</c> uses the defaults.</param>
    public IObservable<FactorioEvent> Open(
        string source, TailOptions? tail = null, FramingOptions? framing = null, ParseOptions? parsing = null,
        ILogger? logger = null, Action<SourceState>? stateChanged = null, UdpSourceOptions? udp = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        tail ??= new TailOptions();
        framing ??= new FramingOptions();
        if (Track(source) is { } checkpoint)
        {
            tail = tail with { PositionChanged = checkpoint.Observe };
            if (StartAt.TryGetValue(source, out var start))
            {
                tail = tail with { StartAt = start.At, StartFingerprint = start.Fingerprint };
                framing = framing with { StartOffset = start.At.Offset, StartLineNumber = start.Line };
            }
        }
        return LiveSources.Open(source, tail, logger, stateChanged, udp).ToEvents(source, framing, parsing);
    }

    /// <summary>The run options with the runs to continue (<see cref="RunOptions"/> holds them for the run stage).</summary>
    /// <param name="options">The options to continue the runs with.</param>
    public RunOptions ApplyTo(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Runs.Count == 0 ? options : options with { Resume = [.. options.Resume, .. Runs] };
    }

    /// <summary>The sink options with the sources' checkpoints, which the sink keeps up to date after each log flush.</summary>
    /// <param name="options">The sink's options; its <see cref="RunLogSinkOptions.RootDirectory"/> must be the one given to <see cref="Load"/>.</param>
    public RunLogSinkOptions ApplyTo(RunLogSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_checkpointDirectory is null)
        {
            return options;
        }
        // NOTE: the sink gets this very dictionary (not a copy), so a source opened later has its checkpoint written too.
        foreach (var (name, store) in options.Checkpoints)
        {
            Checkpoints.TryAdd(name, store);
        }
        var sources = new Dictionary<string, string>(options.RecoveredSources, StringComparer.Ordinal);
        foreach (var (runId, name) in RecoveredSources)
        {
            sources[runId] = name;
        }
        return options with { Checkpoints = Checkpoints, RecoveredSources = sources };
    }

    /// <summary>The checkpoint store of <paramref name="source"/>, made when it has none yet; <c>null</c> for <see cref="None"/>.</summary>
    private SourceCheckpointStore? Track(string source) => _checkpointDirectory is null
        ? null
        : Checkpoints.GetOrAdd(source, s => new SourceCheckpointStore(_checkpointDirectory, s, tracksPosition: LiveSources.Detect(s) == SourceKind.TailedFile));

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
