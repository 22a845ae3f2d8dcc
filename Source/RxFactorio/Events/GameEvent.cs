using System.Collections.Immutable;

namespace RxFactorio.Events;

/// <summary>A game event such as <c>on_research_finished</c>: <c>{"type":"event",…}</c>.</summary>
public sealed record GameEvent : FactorioEvent
{
    /// <summary>The event's name, e.g. <c>on_built_entity</c>; any name is accepted.</summary>
    public required string EventName { get; init; }

    /// <summary>The line's other fields, in the order written, with their values as JSON text.</summary>
    public ImmutableArray<EventField> Fields { get; init; } = [];
}
