using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>
/// RunResumeStatus (docs/wandb-protocol.md §5, §8): model null for a missing project, bucket null for a missing run; otherwise every
/// field the client needs non-null. Tails are JSON strings holding a JSON array of the last lines.
/// </summary>
internal sealed class RunResumeStatusHandler(FakeState state, FakeWandbOptions options)
{
    // How many lines the real server puts in historyTail/eventsTail is not established; the client only parses the last.
    private const int TailLines = 10;

    public IResult Handle(JsonObject vars, string keyEntity)
    {
        if (Variables.String(vars, "name") is not { } name)
        {
            return JsonResults.Graphql(StatusCodes.Status200OK, "Variable \"$name\" of required type \"String!\" was not provided.");
        }

        var entity = Variables.NonEmpty(vars, "entity") ?? keyEntity;
        var project = Variables.NonEmpty(vars, "project") ?? options.DefaultProject;
        if (!state.ProjectExists(entity, project))
        {
            return JsonResults.Json(new JsonObject { ["data"] = new JsonObject { ["model"] = null } });
        }

        var run = state.FindRun(entity, project, name);
        return JsonResults.Json(new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["model"] = new JsonObject
                {
                    ["id"] = GraphqlIds.Project(entity, project),
                    ["name"] = project,
                    ["entity"] = new JsonObject { ["id"] = GraphqlIds.Entity(entity), ["name"] = entity },
                    ["bucket"] = run is null ? null : Bucket(run),
                },
            },
        });
    }

    private static JsonObject Bucket(FakeRun run)
    {
        var wandbConfig = new JsonObject();
        if (run.TelemetryKey() is { } t)
        {
            wandbConfig["t"] = t;
        }

        return new JsonObject
        {
            ["id"] = run.StorageId,
            ["name"] = run.Name,
            ["summaryMetrics"] = run.SummaryJson ?? "{}",
            ["displayName"] = run.DisplayName,
            ["logLineCount"] = run.LineCount(FakeFileNames.OutputLog),
            ["historyLineCount"] = run.LineCount(FakeFileNames.History),
            ["eventsLineCount"] = run.LineCount(FakeFileNames.Events),
            ["historyTail"] = TailJson(run, FakeFileNames.History),
            ["eventsTail"] = TailJson(run, FakeFileNames.Events),
            ["config"] = run.ConfigJson ?? "{}",
            ["tags"] = new JsonArray([.. run.Tags.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["notes"] = run.Notes,
            ["wandbConfig"] = wandbConfig.ToJsonString(),
        };
    }

    private static string TailJson(FakeRun run, string file) =>
        new JsonArray([.. run.Tail(file, TailLines).Select(l => (JsonNode)JsonValue.Create(l))]).ToJsonString();
}
