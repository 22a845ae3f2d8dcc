namespace RxFactorio.Events;

public sealed partial class EventParser
{
    private enum EventType
    {
        Missing,
        WrongType,
        Unknown,
        SessionInit,
        Stats,
        GameEvent,
    }

    private enum FieldState
    {
        Missing,
        WrongType,
        Present,
    }

    /// <summary>A top-level field other than the four every event has, kept as a byte range of the line.</summary>
    private readonly record struct RawField(string Name, int ValueStart, int ValueEnd);

    /// <summary>What one line's top-level fields said; reset for every line.</summary>
    private struct LineFields
    {
        public EventType Type;
        public string? UnknownTypeName;
        public string? SessionId;
        public FieldState SessionIdState;
        public long Tick;
        public FieldState TickState;
        public long Cycle;
        public FieldState CycleState;
        public string? EventName;
        public FieldState EventNameState;
        public string? LevelName;
        public string? Surface;
        public string? ScreenshotPath;
        public PlayerState? Player;
        public bool ProductionUnreadable;
        public bool ConsumptionUnreadable;
    }
}
