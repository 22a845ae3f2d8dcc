using RxFactorio.Events;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Events as the mod writes them (EVENTS.md): <c>stats</c> every 120 ticks with
/// <c>cycle = tick / 120</c>, production and consumption rates per minute.
/// </summary>
internal static class Game
{
    public const string Source = "events.pipe";

    public static SessionInit Init(string session, long tick, string level = "freeplay") =>
        new() { Source = Source, LineNumber = 0, SessionId = session, Tick = tick, LevelName = level };

    /// <summary>A stats line for <paramref name="cycle"/>: iron plates at <c>cycle</c> per minute, ore consumed at twice that, and the extras.</summary>
    public static StatsEvent Stats(string session, long cycle, params (string Item, double Rate)[] extraProduction) =>
        new()
        {
            Source = Source,
            LineNumber = cycle,
            SessionId = session,
            Tick = cycle * 120,
            Cycle = cycle,
            Production = [new Measurement("iron-plate", IronPlate(cycle)), .. extraProduction.Select(p => new Measurement(p.Item, p.Rate))],
            Consumption = [new Measurement("iron-ore", IronOre(cycle))],
        };

    public static GameEvent Research(string session, long tick, string tech) =>
        new()
        {
            Source = Source,
            LineNumber = 0,
            SessionId = session,
            Tick = tick,
            EventName = "on_research_finished",
            Fields = [new EventField("tech_name", $"\"{tech}\""), new EventField("tech_level", "1")],
        };

    public static double IronPlate(long cycle) => cycle + 0.5;

    public static double IronOre(long cycle) => (2 * cycle) + 0.25;

    /// <summary>A session: its init at <c>firstCycle * 120</c>, then one stats line per cycle.</summary>
    public static IEnumerable<FactorioEvent> Session(string session, long firstCycle, int cycles, bool init = true)
    {
        if (init)
        {
            yield return Init(session, firstCycle * 120);
        }
        for (var c = firstCycle; c < firstCycle + cycles; c++)
        {
            yield return Stats(session, c);
        }
    }
}
