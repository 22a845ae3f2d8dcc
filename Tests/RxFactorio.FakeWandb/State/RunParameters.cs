using System.Text.Json.Nodes;

namespace RxFactorio.FakeWandb.State;

/// <summary>The UpsertBucket variables a run stores. Null means "not sent": wandb-core sends null for unchanged groups (docs/wandb-protocol.md §2).</summary>
internal sealed record RunParameters(
    string? DisplayName,
    string? Description,
    string? Notes,
    string? Group,
    string? JobType,
    IReadOnlyList<string>? Tags,
    string? Host,
    string? Program,
    string? Repo,
    string? Commit,
    string? Sweep,
    string? State,
    string? ConfigJson,
    JsonObject? Config,
    string? SummaryMetrics);
