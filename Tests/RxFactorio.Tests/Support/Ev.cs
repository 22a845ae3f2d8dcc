using System.Collections.Immutable;
using RxFactorio.Events;

namespace RxFactorio.Tests.Support;

/// <summary>Short constructors for events in virtual-time tests.</summary>
internal static class Ev
{
    public static SessionInit Init(string session, long tick, string? level = "freeplay", string source = "a") =>
        new() { Source = source, LineNumber = 0, SessionId = session, Tick = tick, LevelName = level };

    public static StatsEvent Stats(string session, long cycle, string source = "a", string? surface = null, params (string Item, double Value)[] production) =>
        new()
        {
            Source = source, LineNumber = cycle, SessionId = session, Tick = cycle * 120, Cycle = cycle, Surface = surface,
            Production = [.. production.Select(p => new Measurement(p.Item, p.Value))],
        };

    public static GameEvent Event(string session, long tick, string name, string source = "a", params (string Name, string Json)[] fields) =>
        new()
        {
            Source = source, LineNumber = 0, SessionId = session, Tick = tick, EventName = name,
            Fields = [.. fields.Select(f => new EventField(f.Name, f.Json))],
        };
}
