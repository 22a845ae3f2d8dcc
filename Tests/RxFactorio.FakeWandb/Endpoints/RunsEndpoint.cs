using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>GET /runs: a JSON view of every run, for people and scripts. Not part of the W&amp;B protocol; no auth.</summary>
internal static class RunsEndpoint
{
    /// <summary>Run files up to this size are shown with their content (when UTF-8 text); larger ones by size only.</summary>
    public const int MaxShownBytes = 64 << 10;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static bool IsText(byte[] content)
    {
        try
        {
            StrictUtf8.GetString(content);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    public static IResult Handle(FakeState state) =>
        JsonResults.Json(new JsonArray([.. state.Runs.Select(r => (JsonNode)ToJson(r))]));

    public static JsonObject ToJson(FakeRun run)
    {
        var summaryJson = run.SummaryJson;
        return new JsonObject
        {
            ["entity"] = run.Entity,
            ["project"] = run.Project,
            ["name"] = run.Name,
            ["id"] = run.StorageId,
            ["displayName"] = run.DisplayName,
            ["state"] = run.State,
            ["group"] = run.Group,
            ["jobType"] = run.JobType,
            ["notes"] = run.Notes,
            ["tags"] = new JsonArray([.. run.Tags.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["config"] = new JsonObject([.. run.Config]),
            ["summary"] = summaryJson is null ? null : run.Summary ?? (JsonNode)JsonValue.Create(summaryJson),
            ["historyRowCount"] = run.LineCount(FakeFileNames.History),
            ["lastStep"] = run.LastStep,
            ["eventsLineCount"] = run.LineCount(FakeFileNames.Events),
            ["complete"] = run.Complete,
            ["exitcode"] = run.ExitCode,
            ["preempting"] = run.Preempting,
            ["stopped"] = run.Stopped,
            ["uploaded"] = new JsonArray([.. run.Uploaded.Order(StringComparer.Ordinal).Select(u => (JsonNode)JsonValue.Create(u))]),
            ["outputLog"] = new JsonArray([.. run.Lines(FakeFileNames.OutputLog).Select(l => (JsonNode)JsonValue.Create(l))]),
            ["markedUploaded"] = new JsonArray([.. run.MarkedUploaded.Order(StringComparer.Ordinal).Select(u => (JsonNode)JsonValue.Create(u))]),
            ["files"] = new JsonArray([.. run.RunFiles.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["size"] = f.Content.Length,
                ["uploads"] = f.Uploads,
                ["content"] = f.Content.Length <= MaxShownBytes && IsText(f.Content) ? f.Text : null,
            })]),
        };
    }
}
