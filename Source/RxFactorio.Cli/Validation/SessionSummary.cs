namespace RxFactorio.Cli.Validation;

/// <summary>What one session looked like in a validated file.</summary>
internal sealed class SessionSummary(string sessionId)
{
    public string SessionId { get; } = sessionId;

    public long FirstTick { get; private set; } = long.MaxValue;

    public long LastTick { get; private set; } = long.MinValue;

    public long? FirstCycle { get; private set; }

    public long? LastCycle { get; private set; }

    public long SessionInits { get; private set; }

    public long Stats { get; private set; }

    public long GameEvents { get; private set; }

    public void Add(Events.FactorioEvent e)
    {
        FirstTick = Math.Min(FirstTick, e.Tick);
        LastTick = Math.Max(LastTick, e.Tick);
        switch (e)
        {
            case Events.StatsEvent stats:
                Stats++;
                FirstCycle = Math.Min(FirstCycle ?? long.MaxValue, stats.Cycle);
                LastCycle = Math.Max(LastCycle ?? long.MinValue, stats.Cycle);
                break;
            case Events.SessionInit:
                SessionInits++;
                break;
            default:
                GameEvents++;
                break;
        }
    }
}
