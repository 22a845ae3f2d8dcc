namespace RxFactorio.FakeWandb.State;

/// <summary>The file_stream file names wandb-core sends (core/internal/filestream/filestream.go, docs/wandb-protocol.md §3).</summary>
public static class FakeFileNames
{
    public const string History = "wandb-history.jsonl";
    public const string Events = "wandb-events.jsonl";
    public const string Summary = "wandb-summary.json";
    public const string OutputLog = "output.log";
}
