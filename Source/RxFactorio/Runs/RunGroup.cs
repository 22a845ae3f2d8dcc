namespace RxFactorio.Runs;

/// <summary>
/// The events of one run, as <see cref="RunGroupingExtensions.GroupIntoRuns"/> hands them out: a hot
/// stream that completes when the run ends (a <c>session_init</c> of its session, its session quiet
/// for the grace while another went on, idle, or shutdown).
/// Subscribe synchronously when the group arrives, or its first events are missed.
/// </summary>
public sealed class RunGroup : IObservable<Events.FactorioEvent>
{
    private readonly IObservable<Events.FactorioEvent> _events;

    internal RunGroup(IObservable<Events.FactorioEvent> events, RunContext context)
    {
        _events = events;
        Context = context;
        Resumed = context.Openings > 1;
    }

    /// <summary>The run's identity.</summary>
    public RunInfo Info => Context.Info;

    /// <summary>The routing key.</summary>
    public RunKey Key => Context.Info.Key;

    /// <summary>True when this group resumes a run that ended idle: same run id, steps continue.</summary>
    public bool Resumed { get; }

    internal RunContext Context { get; }

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<Events.FactorioEvent> observer) => _events.Subscribe(observer);
}
