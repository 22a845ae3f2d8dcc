using RxFactorio.Events;
using RxFactorio.Sinks;

namespace RxFactorio.Runs;

/// <summary>
/// The session rules, as state per source: which run each event belongs to. Not thread-safe:
/// it runs inside the serialized run stage.
/// </summary>
internal sealed class RunRouter
{
    private readonly RunOptions _options;
    private readonly Dictionary<string, SourceRuns> _sources = [];

    public RunRouter(RunOptions options)
    {
        _options = options;
        foreach (var resumed in options.Resume)
        {
            var source = new SourceRuns();
            _sources.Add(resumed.Run.Key.Source, source);
            var context = new RunContext(resumed.Run, options)
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
            source.Idle = context;
            source.Seed = context;
            source.SeedThrough = resumed.ThroughOffset;
            source.Last = position;
        }
    }

    /// <summary>
    /// Routes one event. When it starts a run on its source, <paramref name="started"/> is told
    /// BEFORE this returns, so that the source's previous run can end first.
    /// </summary>
    public RunKey Route(FactorioEvent e, IObserver<RunKey> started)
    {
        if (!_sources.TryGetValue(e.Source, out var source))
        {
            source = new SourceRuns();
            _sources.Add(e.Source, source);
        }
        var key = Route(source, e, started);
        source.Last = new SourcePosition(e.SourceOffset, e.LineNumber);
        return key;
    }

    private RunKey Route(SourceRuns source, FactorioEvent e, IObserver<RunKey> started)
    {
        if (source.Seed is { } seed && e.SourceOffset > 0 && e.SourceOffset <= source.SeedThrough)
        {
            // Read again after a restart: the crashed process had routed it to the resumed run.
            if (source.Active == seed)
            {
                return seed.Info.Key;
            }
            if (source.Idle == seed)
            {
                return Resume(source, seed, e, started);
            }
        }

        if (e is SessionInit init)
        {
            return Start(source, e, init.LevelName, RunEndReason.NewSession, started);
        }
        if (source.Active is { } active)
        {
            return active.Info.SessionId == e.SessionId
                ? active.Info.Key
                : Start(source, e, levelName: null, RunEndReason.SessionChanged, started);
        }
        if (source.Idle is { } idle && idle.Info.SessionId == e.SessionId)
        {
            return Resume(source, idle, e, started);
        }
        return Start(source, e, levelName: null, RunEndReason.Shutdown, started);
    }

    private static RunKey Resume(SourceRuns source, RunContext idle, FactorioEvent e, IObserver<RunKey> started)
    {
        source.Active = idle;
        source.Idle = null;
        Open(idle, source.Last, e);
        started.OnNext(idle.Info.Key);
        return idle.Info.Key;
    }

    public RunContext Context(RunKey key) => _sources[key.Source].Contexts[key];

    /// <summary>The run went idle: a later event of its session, before any other, resumes it.</summary>
    public void MarkIdle(RunKey key)
    {
        var source = _sources[key.Source];
        if (source.Active?.Info.Key != key)
        {
            return;
        }
        source.Active.EndReason = RunEndReason.Idle;
        source.Idle = source.Active;
        source.Active = null;
    }

    /// <summary>The run's group has ended: forget it unless it may resume.</summary>
    public void Release(RunKey key)
    {
        var source = _sources[key.Source];
        if (source.Idle?.Info.Key != key && source.Active?.Info.Key != key)
        {
            source.Contexts.Remove(key);
        }
        if (source.Active?.Info.Key == key)
        {
            source.Active = null;
        }
    }

    private RunKey Start(SourceRuns source, FactorioEvent e, string? levelName, RunEndReason previousEnds, IObserver<RunKey> started)
    {
        if (source.Active is { } previous)
        {
            previous.EndReason = previousEnds;
        }
        source.Idle = null;
        var key = new RunKey(e.Source, e.SessionId, ++source.Generation);
        var info = new RunInfo
        {
            RunId = RunIdentity.NewRunId(_options.Random),
            DisplayName = RunIdentity.NewDisplayName(e.SessionId, _options.Random),
            Key = key,
            LevelName = levelName,
            StartTick = e.Tick,
        };
        var context = new RunContext(info, _options);
        source.Contexts[key] = context;
        source.Active = context;
        Open(context, source.Last, e);
        started.OnNext(key);
        return key;
    }

    private static void Open(RunContext context, SourcePosition before, FactorioEvent opening)
    {
        context.Openings++;
        context.EndReason = RunEndReason.Shutdown;
        context.Opened(before, opening.SourceOffset);
    }

    private sealed class SourceRuns
    {
        public long Generation;
        public RunContext? Active;
        public RunContext? Idle;
        public RunContext? Seed;
        public long SeedThrough;
        public SourcePosition Last;
        public readonly Dictionary<RunKey, RunContext> Contexts = [];
    }
}
