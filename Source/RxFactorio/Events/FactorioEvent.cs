namespace RxFactorio.Events;

/// <summary>
/// One event the Factorio mod wrote: owned and immutable, safe to keep after the line it came
/// from is gone. See <c>EVENTS.md</c> for the wire contract.
/// </summary>
public abstract record FactorioEvent
{
    /// <summary>The display name of the source the line came from.</summary>
    public required string Source { get; init; }

    /// <summary>The 1-based line number in that source.</summary>
    public required long LineNumber { get; init; }

    /// <summary>The byte offset in the source just after the line: where reading resumes after this event.</summary>
    public long SourceOffset { get; init; }

    /// <summary>The game session's id: opaque, untrusted text (never use it as a path).</summary>
    public required string SessionId { get; init; }

    /// <summary>The game tick (60 ticks = 1 s of game time).</summary>
    public required long Tick { get; init; }
}
