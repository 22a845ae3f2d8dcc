namespace RxFactorio.Benchmarks.Corpus;

/// <summary>One simulated game session: its id, clock, scale and random stream (deterministic per seed).</summary>
internal sealed class SimSession
{
    public const int TicksPerCycle = 120;

    public SimSession(int index, int seed)
    {
        Random = new Random(seed);
        LevelName = index % 4 == 3 ? "sandbox" : "freeplay";
        StartTick = 216_000L + (index * 37_260L);
        // NOTE: the original mod builds the id as <level_name>_<tick>.
        SessionId = $"{LevelName}_{StartTick}";
        Tick = StartTick - (StartTick % TicksPerCycle);
        // Early game to a small megabase: 0.1x .. ~12x the catalog's mid-game rates.
        Scale = 0.1 * Math.Pow(2, index % 8 * 0.9);
    }

    public Random Random { get; }

    public string LevelName { get; }

    public string SessionId { get; }

    public long StartTick { get; }

    public long Tick { get; private set; }

    public long Cycle => Tick / TicksPerCycle;

    public double Scale { get; private set; }

    public double PlayerX { get; private set; } = 12.5;

    public double PlayerY { get; private set; } = -3;

    public int EventsSinceStats { get; set; }

    /// <summary>Moves the session one stats period on: the clock, the player and the base's growth.</summary>
    public void Advance()
    {
        Tick += TicksPerCycle;
        Scale *= 1.0001;
        PlayerX = Math.Round(PlayerX + ((Random.NextDouble() - 0.5) * 8), 2);
        PlayerY = Math.Round(PlayerY + ((Random.NextDouble() - 0.5) * 8), 2);
    }

    /// <summary>A per-minute rate around <paramref name="baseRate"/>, with the long mantissas Factorio writes.</summary>
    public double Rate(double baseRate, bool isFluid)
    {
        var value = baseRate * Scale * (0.85 + (Random.NextDouble() * 0.3));
        // Fluids from offshore pumps and boilers often come out as whole numbers.
        return isFluid && Random.Next(3) == 0 ? Math.Round(value) : value;
    }
}
