using System.Reactive.Concurrency;
using RxFactorio.Events;
using RxFactorio.Sinks;
using RxFactorio.Sources;

namespace RxFactorio.Runs;

/// <summary>
/// The session rules, as state per source: which run each event belongs to. A source carries a
/// live run per session; a session's run ends when the session has been quiet for the session
/// grace while another session of its source went on, on its own <c>session_init</c>, when idle
/// and at shutdown. Not thread-safe: it runs inside the serialized run stage.
/// </summary>
internal sealed class RunRouter
{
    private readonly RunOptions _options;
    private readonly IScheduler _scheduler;
    private readonly Dictionary<string, SourceRuns> _sources = [];

    public RunRouter(RunOptions options, IScheduler scheduler)
    {
        _options = options;
        _scheduler = scheduler;
        foreach (var resumed in options.Resume)
        {
            var source = SourceOf(resumed.Run.Key.Source);
            var context = new RunContext(resumed.Run, options, source)
            {
                // NOTE: opened once before (in the process that wrote the log), so the next opening resumes it.
                Openings = 1,
                EndReason = RunEndReason.Idle,
            };
            var position = new SourcePosition(resumed.ResumeOffset, resumed.ResumeLine);
            context.Rows.Seed(resumed.LastStep, resumed.ZeroFillKeys, position, resumed.ThroughOffset);
            foreach (var (key, value) in resumed.Summary)
            {
                context.Summary[key] = value;
            }
            source.Contexts[resumed.Run.Key] = context;
            source.Dormant[resumed.Run.SessionId] = context;
            source.Seeds[resumed.Run.SessionId] = (context, resumed.ThroughOffset);
            source.Last = position;
        }
    }

    /// <summary>
    /// Routes one event. Runs it ends (its session's earlier play-through, sessions quiet for the
    /// grace) are told to <paramref name="ended"/> BEFORE this returns, so that they end first.
    /// </summary>
    public RunKey Route(FactorioEvent e, IObserver<RunKey> ended)
    {
        var source = SourceOf(e.Source);
        var run = Route(source, e, ended);
        source.Clock.Seen(run, e.Tick, ++source.Sequence);
        EndQuietSessions(source, ended);
        source.Last = new SourcePosition(e.SourceOffset, e.LineNumber);
        return run.Info.Key;
    }

    private SourceRuns SourceOf(string name)
    {
        if (!_sources.TryGetValue(name, out var source))
        {
            source = new SourceRuns(new SessionClock(_options.GraceInGameTime, _scheduler));
            _sources.Add(name, source);
        }
        return source;
    }

    private RunContext Route(SourceRuns source, FactorioEvent e, IObserver<RunKey> ended)
    {
        if (source.Seeds.TryGetValue(e.SessionId, out var seed) && e.SourceOffset > 0 && e.SourceOffset <= seed.Through)
        {
            // Read again after a restart: the crashed process had routed it to the resumed run.
            if (source.Live.GetValueOrDefault(e.SessionId) == seed.Run)
            {
                return seed.Run;
            }
            if (source.Dormant.GetValueOrDefault(e.SessionId) == seed.Run)
            {
                return Resume(source, seed.Run, e);
            }
        }

        if (e is SessionInit init)
        {
            return Start(source, e, init.LevelName, ended);
        }
        if (source.Live.TryGetValue(e.SessionId, out var live))
        {
            return live;
        }
        if (source.Dormant.TryGetValue(e.SessionId, out var dormant))
        {
            return Resume(source, dormant, e);
        }
        return Start(source, e, levelName: null, ended);
    }

    private static RunContext Resume(SourceRuns source, RunContext dormant, FactorioEvent e)
    {
        source.Dormant.Remove(e.SessionId);
        source.Live[e.SessionId] = dormant;
        Open(source, dormant, e);
        return dormant;
    }

    public RunContext Context(RunKey key) => _sources[key.Source].Contexts[key];

    /// <summary>The run went idle: a later event of its session resumes it.</summary>
    public void MarkIdle(RunKey key) => Rest(_sources[key.Source], key, RunEndReason.Idle);

    /// <summary>
    /// Whether the run's session has been quiet for the grace while another session of its source
    /// went on; if so it ends, and a later event of its session resumes it.
    /// </summary>
    public bool EndIfDisplaced(RunKey key)
    {
        var source = _sources[key.Source];
        if (!source.Contexts.TryGetValue(key, out var run) || !IsDisplaced(source, run))
        {
            return false;
        }
        Rest(source, key, RunEndReason.SessionChanged);
        return true;
    }

    /// <summary>
    /// The run's group has ended: forget it unless it may resume. A run still live here ended with
    /// its source (shutdown): it rests, so that the checkpoints written as the other runs of the
    /// source finish still name it.
    /// </summary>
    public void Release(RunKey key)
    {
        var source = _sources[key.Source];
        Rest(source, key, RunEndReason.Shutdown);
        if (source.Dormant.GetValueOrDefault(key.SessionId)?.Info.Key != key)
        {
            source.Contexts.Remove(key);
        }
    }

    private static void Rest(SourceRuns source, RunKey key, RunEndReason reason)
    {
        if (source.Live.GetValueOrDefault(key.SessionId) is not { } run || run.Info.Key != key)
        {
            return;
        }
        run.EndReason = reason;
        source.Live.Remove(key.SessionId);
        source.Dormant[key.SessionId] = run;
    }

    private bool IsDisplaced(SourceRuns source, RunContext run) =>
        _options.SessionGrace > TimeSpan.Zero
        && source.Live.GetValueOrDefault(run.Info.SessionId) == run
        && run.Quiet.LastSequence < source.Sequence
        && source.Clock.Now - run.Quiet.LastSeen >= _options.SessionGrace;

    private void EndQuietSessions(SourceRuns source, IObserver<RunKey> ended)
    {
        if (source.Live.Count < 2 || _options.SessionGrace <= TimeSpan.Zero)
        {
            return;
        }
        List<RunKey>? quiet = null;
        foreach (var run in source.Live.Values)
        {
            if (IsDisplaced(source, run))
            {
                (quiet ??= []).Add(run.Info.Key);
            }
        }
        foreach (var key in quiet ?? [])
        {
            Rest(source, key, RunEndReason.SessionChanged);
            ended.OnNext(key);
        }
    }

    private RunContext Start(SourceRuns source, FactorioEvent e, string? levelName, IObserver<RunKey> ended)
    {
        if (source.Live.Remove(e.SessionId, out var previous))
        {
            // A session_init of a session with a live run: a new play-through.
            previous.EndReason = RunEndReason.NewSession;
            ended.OnNext(previous.Info.Key);
        }
        // NOTE: a run resting after idle or the grace resumes only while no new run starts on its
        // source (as a single game that loads another save and comes back to the first); this keeps
        // what is held for sessions that went away bounded by the sessions that played together.
        foreach (var resting in source.Dormant.Values.ToList())
        {
            Forget(source, resting);
        }
        var key = new RunKey(e.Source, e.SessionId, ++source.Generation);
        var info = new RunInfo
        {
            RunId = RunIdentity.NewRunId(_options.Random),
            DisplayName = RunIdentity.NewDisplayName(e.SessionId, _options.Random),
            Key = key,
            LevelName = levelName,
            StartTick = e.Tick,
            SourceLabel = _options.SourceLabels?.Invoke(e.Source),
        };
        var context = new RunContext(info, _options, source);
        source.Contexts[key] = context;
        source.Live[e.SessionId] = context;
        Open(source, context, e);
        return context;
    }

    private static void Forget(SourceRuns source, RunContext resting)
    {
        source.Dormant.Remove(resting.Info.SessionId);
        source.Seeds.Remove(resting.Info.SessionId);
        source.Contexts.Remove(resting.Info.Key);
    }

    private static void Open(SourceRuns source, RunContext context, FactorioEvent opening)
    {
        context.Openings++;
        context.EndReason = RunEndReason.Shutdown;
        context.Opened(source.Last, opening.SourceOffset);
        source.Clock.Opened(context);
    }

    private sealed class SourceRuns(SessionClock clock) : ISourceRuns
    {
        public long Generation;
        public long Sequence;
        public SourcePosition Last;
        public readonly SessionClock Clock = clock;
        public readonly Dictionary<string, RunContext> Live = new(StringComparer.Ordinal);
        public readonly Dictionary<string, RunContext> Dormant = new(StringComparer.Ordinal);
        public readonly Dictionary<string, (RunContext Run, long Through)> Seeds = new(StringComparer.Ordinal);
        public readonly Dictionary<RunKey, RunContext> Contexts = [];

        /// <summary>The earliest position whose effects some live run of the source holds only in memory.</summary>
        public SourcePosition? HeldSince()
        {
            SourcePosition? earliest = null;
            foreach (var run in Live.Values)
            {
                if (run.HeldSince is { } held && (earliest is null || held.Offset < earliest.Value.Offset))
                {
                    earliest = held;
                }
            }
            return earliest;
        }

        public IReadOnlyList<MarkedRun> Resumable() =>
            [.. Live.Values.Concat(Dormant.Values).Select(run => run.Marked()).OrderBy(run => run.SessionId, StringComparer.Ordinal)];
    }
}
