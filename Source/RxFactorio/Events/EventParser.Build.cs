using System.Collections.Immutable;
using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Framing;

namespace RxFactorio.Events;

public sealed partial class EventParser
{
    /// <summary>Game ticks per cycle: the contract's <c>cycle = floor(tick / 120)</c>.</summary>
    private const long TicksPerCycle = 120;

    /// <summary>How far a cycle may be from <c>floor(tick / 120)</c> (a mod that rounds, or counts samples one off).</summary>
    private const long CycleTolerance = 1;

    private FactorioEvent? Build(ref LineFields fields, ReadOnlySpan<byte> json, in Line line)
    {
        switch (fields.Type)
        {
            case EventType.Missing:
                return Reject(DiagnosticReason.MissingField, "field 'type' is missing", json, line);
            case EventType.WrongType:
                return Reject(DiagnosticReason.WrongFieldType, "field 'type' must be a string", json, line);
            case EventType.Unknown:
                return Reject(DiagnosticReason.UnknownEventType, $"unknown type '{Printable.Of(fields.UnknownTypeName ?? "", 40)}'; line skipped", json, line);
        }
        if (Check(fields.SessionIdState, "session_id", "a string") is { } sessionProblem)
        {
            return Reject(sessionProblem.Reason, sessionProblem.Detail, json, line);
        }
        if (Check(fields.TickState, "tick", "a non-negative integer") is { } tickProblem)
        {
            return Reject(tickProblem.Reason, tickProblem.Detail, json, line);
        }
        FactorioEvent? built = fields.Type switch
        {
            EventType.SessionInit => new SessionInit
            {
                Source = line.Source, LineNumber = line.Number, SourceOffset = line.EndOffset,
                SessionId = fields.SessionId!, Tick = fields.Tick, LevelName = fields.LevelName,
            },
            EventType.Stats => BuildStats(ref fields, json, line),
            _ => BuildGameEvent(ref fields, json, line),
        };
        if (built is not null)
        {
            RxFactorioMeter.Events.Add(1, new KeyValuePair<string, object?>("type", TypeTag(built)), new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, line.Source));
            foreach (var (reason, detail) in _partsDropped)
            {
                _diagnostics.Report(new IngestDiagnostic(reason, line.Source, line.Number, detail, Excerpt.Of(json)));
            }
        }
        return built;
    }

    private static string TypeTag(FactorioEvent e) => e switch
    {
        StatsEvent => "stats",
        SessionInit => "session_init",
        _ => "game",
    };

    private StatsEvent? BuildStats(ref LineFields fields, ReadOnlySpan<byte> json, in Line line)
    {
        if (Check(fields.CycleState, "cycle", "a non-negative integer") is { } problem)
        {
            Reject(problem.Reason, problem.Detail, json, line);
            return null;
        }
        var expectedCycle = fields.Tick / TicksPerCycle;
        if (Math.Abs(fields.Cycle - expectedCycle) > CycleTolerance)
        {
            Reject(
                DiagnosticReason.CycleContradictsTick,
                $"cycle {fields.Cycle} contradicts tick {fields.Tick}: the contract says cycle = floor(tick / 120) = {expectedCycle} (±{CycleTolerance} accepted)",
                json, line);
            return null;
        }
        return new StatsEvent
        {
            Source = line.Source, LineNumber = line.Number, SourceOffset = line.EndOffset,
            SessionId = fields.SessionId!, Tick = fields.Tick, Cycle = fields.Cycle,
            Production = ToImmutable(_production),
            Consumption = ToImmutable(_consumption),
            Metrics = ToImmutable(_metrics),
            InvalidProduction = ToImmutable(_invalidProduction),
            InvalidConsumption = ToImmutable(_invalidConsumption),
            ProductionUnreadable = fields.ProductionUnreadable,
            ConsumptionUnreadable = fields.ConsumptionUnreadable,
            Surface = fields.Surface,
            Player = fields.Player,
            ScreenshotPath = fields.ScreenshotPath,
        };
    }

    private GameEvent? BuildGameEvent(ref LineFields fields, ReadOnlySpan<byte> json, in Line line)
    {
        if (Check(fields.EventNameState, "event_name", "a string") is { } problem)
        {
            Reject(problem.Reason, problem.Detail, json, line);
            return null;
        }
        // NOTE: a game event's extra fields are kept as written; stats-only checks do not apply to them.
        _partsDropped.Clear();
        var extra = ImmutableArray.CreateBuilder<EventField>(_extraFields.Count);
        foreach (var field in _extraFields)
        {
            extra.Add(new EventField(field.Name, Encoding.UTF8.GetString(json[field.ValueStart..field.ValueEnd])));
        }
        return new GameEvent
        {
            Source = line.Source, LineNumber = line.Number, SourceOffset = line.EndOffset,
            SessionId = fields.SessionId!, Tick = fields.Tick, EventName = fields.EventName!,
            Fields = extra.MoveToImmutable(),
        };
    }

    private static (DiagnosticReason Reason, string Detail)? Check(FieldState state, string field, string expected) => state switch
    {
        FieldState.Missing => (DiagnosticReason.MissingField, $"field '{field}' is missing"),
        FieldState.WrongType => (DiagnosticReason.WrongFieldType, $"field '{field}' must be {expected}"),
        _ => null,
    };

    private FactorioEvent? Reject(DiagnosticReason reason, string detail, ReadOnlySpan<byte> json, in Line line)
    {
        _diagnostics.Report(new IngestDiagnostic(reason, line.Source, line.Number, detail, Excerpt.Of(json)));
        return null;
    }

    private static ImmutableArray<T> ToImmutable<T>(List<T> list) =>
        list.Count == 0 ? [] : [.. list];
}
