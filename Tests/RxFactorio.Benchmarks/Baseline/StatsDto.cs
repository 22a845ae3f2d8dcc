namespace RxFactorio.Benchmarks.Baseline;

/// <summary>The straightforward model of a stats line: a record with two dictionaries.</summary>
internal sealed record StatsDto(
    string Type,
    string SessionId,
    long Cycle,
    long Tick,
    Dictionary<string, double> ProductsProduction,
    Dictionary<string, double> MaterialsConsumption);
