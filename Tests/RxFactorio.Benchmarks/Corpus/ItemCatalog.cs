namespace RxFactorio.Benchmarks.Corpus;

/// <summary>
/// Factorio 2.0 base-game item and fluid names (shared/reference/factorio.md §4.1) with a
/// mid-game per-minute rate (§4.4) that a session scales up or down.
/// </summary>
internal static class ItemCatalog
{
    public readonly record struct Item(string Name, double Rate, bool IsFluid);

    /// <summary>33 produced items and fluids.</summary>
    public static readonly Item[] Produced =
    [
        new("iron-ore", 2400, false), new("copper-ore", 1800, false), new("coal", 900, false),
        new("stone", 300, false), new("iron-plate", 2000, false), new("copper-plate", 1500, false),
        new("steel-plate", 150, false), new("stone-brick", 60, false), new("iron-gear-wheel", 400, false),
        new("copper-cable", 1800, false), new("electronic-circuit", 700, false), new("advanced-circuit", 120, false),
        new("plastic-bar", 300, false), new("sulfur", 80, false), new("automation-science-pack", 90, false),
        new("logistic-science-pack", 90, false), new("military-science-pack", 45, false),
        new("chemical-science-pack", 60, false), new("transport-belt", 40, false), new("inserter", 20, false),
        new("fast-inserter", 6, false), new("pipe", 30, false), new("small-electric-pole", 8, false),
        new("medium-electric-pole", 4, false), new("assembling-machine-2", 2, false),
        new("firearm-magazine", 30, false), new("water", 150_000, true), new("steam", 90_000, true),
        new("crude-oil", 12_000, true), new("heavy-oil", 2_500, true), new("light-oil", 4_500, true),
        new("petroleum-gas", 9_000, true), new("sulfuric-acid", 1_200, true),
    ];

    /// <summary>28 consumed items and fluids.</summary>
    public static readonly Item[] Consumed =
    [
        new("iron-ore", 1950, false), new("copper-ore", 1500, false), new("coal", 800, false),
        new("stone", 240, false), new("iron-plate", 1900, false), new("copper-plate", 1400, false),
        new("steel-plate", 120, false), new("iron-gear-wheel", 380, false), new("copper-cable", 1750, false),
        new("electronic-circuit", 650, false), new("advanced-circuit", 110, false), new("plastic-bar", 290, false),
        new("sulfur", 75, false), new("automation-science-pack", 85, false), new("logistic-science-pack", 85, false),
        new("military-science-pack", 40, false), new("chemical-science-pack", 55, false),
        new("transport-belt", 25, false), new("inserter", 12, false), new("pipe", 20, false),
        new("stone-brick", 45, false), new("firearm-magazine", 24, false), new("water", 140_000, true),
        new("steam", 88_000, true), new("crude-oil", 11_500, true), new("heavy-oil", 2_400, true),
        new("light-oil", 4_300, true), new("petroleum-gas", 8_700, true),
    ];

    public static readonly string[] Entities =
    [
        "transport-belt", "inserter", "fast-inserter", "small-electric-pole", "assembling-machine-2",
        "electric-mining-drill", "stone-furnace", "pipe", "underground-belt", "splitter",
    ];

    public static readonly string[] Technologies =
    [
        "automation-2", "steel-processing", "electronics", "oil-processing", "plastics",
        "advanced-circuit", "sulfur-processing", "chemical-science-pack", "fast-inserter", "logistics-2",
    ];

    public static readonly string[] Crafted = ["iron-gear-wheel", "transport-belt", "inserter", "pipe", "stone-furnace"];
}
