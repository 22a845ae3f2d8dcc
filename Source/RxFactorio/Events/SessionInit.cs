namespace RxFactorio.Events;

/// <summary>A game was started or loaded: <c>{"type":"session_init",…}</c>.</summary>
public sealed record SessionInit : FactorioEvent
{
    /// <summary>The level (scenario) name, e.g. <c>freeplay</c>; <c>null</c> when the line had none.</summary>
    public string? LevelName { get; init; }
}
