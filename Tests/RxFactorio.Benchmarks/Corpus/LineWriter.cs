using System.Buffers;
using System.Text.Json;

namespace RxFactorio.Benchmarks.Corpus;

/// <summary>
/// Writes one JSON line at a time (terminated by <c>\n</c>) in the original mod's shape: keys
/// sorted, as Factorio's <c>table_to_json</c> writes them. The line is in <see cref="Line"/>
/// until the next write.
/// </summary>
internal sealed class LineWriter
{
    private static readonly ItemCatalog.Item[] _produced = Sorted(ItemCatalog.Produced);
    private static readonly ItemCatalog.Item[] _consumed = Sorted(ItemCatalog.Consumed);

    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json;

    public LineWriter() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>The last line written, with its <c>\n</c>.</summary>
    public ReadOnlySpan<byte> Line => _buffer.WrittenSpan;

    public void SessionInit(SimSession session)
    {
        Begin();
        _json.WriteString("level_name", session.LevelName);
        _json.WriteString("session_id", session.SessionId);
        _json.WriteNumber("tick", session.StartTick);
        _json.WriteString("type", "session_init");
        End();
    }

    /// <summary>A stats line with about 60 items; <paramref name="withExtensions"/> adds <c>metrics</c> and, now and then, a screenshot.</summary>
    public void Stats(SimSession session, bool withExtensions)
    {
        var random = session.Random;
        Begin();
        _json.WriteNumber("cycle", session.Cycle);
        WriteRates("materials_consumption", _consumed, session);
        if (withExtensions)
        {
            _json.WriteStartObject("metrics");
            _json.WriteNumber("events/since_last_stats", session.EventsSinceStats);
            _json.WriteNumber("evolution/nauvis", Math.Round(Math.Min(1, session.Cycle / 40_000.0), 4));
            _json.WriteNumber("players/connected", 1);
            _json.WriteNumber("pollution/nauvis", random.NextDouble() * 40_000);
            _json.WriteNumber("power/produced_w", Math.Round(2.16e7 * session.Scale));
            _json.WriteNumber("research/progress", Math.Round(random.NextDouble(), 3));
            _json.WriteNumber("rockets/launched", 0);
            _json.WriteEndObject();
        }
        _json.WriteStartObject("player");
        _json.WriteNumber("health", 250);
        _json.WriteStartObject("position");
        _json.WriteNumber("x", session.PlayerX);
        _json.WriteNumber("y", session.PlayerY);
        _json.WriteEndObject();
        _json.WriteString("surface", "nauvis");
        _json.WriteEndObject();
        WriteRates("products_production", _produced, session);
        if (withExtensions && session.Cycle % 30 == 0)
        {
            _json.WriteString("screenshot_path", $"screenshots/{session.SessionId}/tick_{session.Tick}.png");
        }
        _json.WriteString("session_id", session.SessionId);
        _json.WriteNumber("tick", session.Tick);
        _json.WriteString("type", "stats");
        End();
        session.EventsSinceStats = 0;
    }

    /// <summary>One of the game events the original mod sends, at a tick inside the current stats period.</summary>
    public void GameEvent(SimSession session)
    {
        var random = session.Random;
        var tick = session.Tick + random.Next(1, SimSession.TicksPerCycle);
        var onSurface = false;
        Begin();
        switch (random.Next(5))
        {
            case 0:
            case 1:
                var name = random.Next(2) == 0 ? "on_built_entity" : "on_player_mined_entity";
                _json.WriteString("entity", Pick(ItemCatalog.Entities, random));
                _json.WriteString("event_name", name);
                _json.WriteNumber("player_index", 1);
                _json.WriteStartObject("position");
                _json.WriteNumber("x", Math.Round(session.PlayerX + random.Next(-10, 10)) + 0.5);
                _json.WriteNumber("y", Math.Round(session.PlayerY + random.Next(-10, 10)) + 0.5);
                _json.WriteEndObject();
                onSurface = true;
                break;
            case 2:
                _json.WriteNumber("count", random.Next(1, 10));
                _json.WriteString("event_name", "on_player_crafted_item");
                _json.WriteString("item", Pick(ItemCatalog.Crafted, random));
                _json.WriteNumber("player_index", 1);
                break;
            default:
                _json.WriteString("event_name", random.Next(2) == 0 ? "on_research_started" : "on_research_finished");
                _json.WriteString("force", "player");
                _json.WriteNumber("tech_level", 1);
                _json.WriteString("tech_name", Pick(ItemCatalog.Technologies, random));
                break;
        }
        _json.WriteString("session_id", session.SessionId);
        if (onSurface)
        {
            _json.WriteString("surface", "nauvis");
        }
        _json.WriteNumber("tick", tick);
        _json.WriteString("type", "event");
        End();
        session.EventsSinceStats++;
    }

    private void WriteRates(string property, ItemCatalog.Item[] items, SimSession session)
    {
        _json.WriteStartObject(property);
        foreach (var item in items)
        {
            // Only non-zero entries are sent: now and then an item pauses.
            if (session.Random.Next(50) == 0)
            {
                continue;
            }
            _json.WriteNumber(item.Name, session.Rate(item.Rate, item.IsFluid));
        }
        _json.WriteEndObject();
    }

    private void Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);
    }

    private static string Pick(string[] names, Random random) => names[random.Next(names.Length)];

    private static ItemCatalog.Item[] Sorted(ItemCatalog.Item[] items) =>
        [.. items.OrderBy(item => item.Name, StringComparer.Ordinal)];
}
