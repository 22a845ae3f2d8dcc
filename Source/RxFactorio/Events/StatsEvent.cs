using System.Collections.Immutable;

namespace RxFactorio.Events;

/// <summary>A periodic sample of production and consumption rates: <c>{"type":"stats",…}</c>.</summary>
public sealed record StatsEvent : FactorioEvent
{
    /// <summary>The sample number, <c>floor(tick / 120)</c>; the W&amp;B step.</summary>
    public required long Cycle { get; init; }

    /// <summary>Items and fluids produced, per minute (<c>products_production</c>).</summary>
    public ImmutableArray<Measurement> Production { get; init; } = [];

    /// <summary>Items and fluids consumed, per minute (<c>materials_consumption</c>).</summary>
    public ImmutableArray<Measurement> Consumption { get; init; } = [];

    /// <summary>Further flat metrics, logged under their own names (extension <c>metrics</c>).</summary>
    public ImmutableArray<Measurement> Metrics { get; init; } = [];

    /// <summary>The surface these stats are for (extension <c>surface</c>); <c>null</c> = the mod's default.</summary>
    public string? Surface { get; init; }

    /// <summary>The optional player state.</summary>
    public PlayerState? Player { get; init; }

    /// <summary>The optional screenshot path, relative to <c>script-output</c>.</summary>
    public string? ScreenshotPath { get; init; }
}
