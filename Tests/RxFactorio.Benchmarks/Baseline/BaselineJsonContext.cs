using System.Text.Json.Serialization;

namespace RxFactorio.Benchmarks.Baseline;

/// <summary>Source-generated System.Text.Json metadata for <see cref="StatsDto"/> (snake_case names, as on the wire).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatsDto))]
internal sealed partial class BaselineJsonContext : JsonSerializerContext;
