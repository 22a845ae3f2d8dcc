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

    /// <summary>
    /// Items of <c>products_production</c> whose value was not a finite number (a string, <c>null</c>,
    /// <c>1e999</c>): dropped and counted, and left out of the row: zero-fill is only for items absent from the line.
    /// </summary>
    public ImmutableArray<string> InvalidProduction { get; init; } = [];

    /// <summary>Items of <c>materials_consumption</c> whose value was not a finite number (see <see cref="InvalidProduction"/>).</summary>
    public ImmutableArray<string> InvalidConsumption { get; init; } = [];

    /// <summary>
    /// <c>products_production</c> was there but not a map (e.g. a string): no item of this line is
    /// known, so no <c>production/…</c> key of this row is zero-filled.
    /// </summary>
    public bool ProductionUnreadable { get; init; }

    /// <summary><c>materials_consumption</c> was there but not a map (see <see cref="ProductionUnreadable"/>).</summary>
    public bool ConsumptionUnreadable { get; init; }

    /// <summary>The surface these stats are for (extension <c>surface</c>); <c>null</c> = the mod's default.</summary>
    public string? Surface { get; init; }

    /// <summary>The optional player state.</summary>
    public PlayerState? Player { get; init; }

    /// <summary>The optional screenshot path, relative to <c>script-output</c>.</summary>
    public string? ScreenshotPath { get; init; }
}
