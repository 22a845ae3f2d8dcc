using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;
using RxFactorio.FakeWandb.Validation;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>Creates or updates a run (docs/wandb-protocol.md §2 request/response, §8 "UpsertBucket").</summary>
internal sealed class UpsertBucketHandler(FakeState state, FakeWandbOptions options)
{
    private const string Field = "upsertBucket";

    public IResult Handle(JsonObject vars, string keyEntity)
    {
        // An existing run is found by its storage id if given, else by (entity, project, name) (docs/wandb-protocol.md §8).
        var byId = Variables.NonEmpty(vars, "id") is { } id ? state.FindByStorageId(id) : null;
        var entity = byId?.Entity ?? Variables.NonEmpty(vars, "entity") ?? keyEntity;
        var project = byId?.Project ?? Variables.NonEmpty(vars, "project") ?? options.DefaultProject;
        var name = byId?.Name ?? Variables.String(vars, "name") ?? RunIds.New();

        if (options.RestrictEntitiesToKeyOwner && entity != keyEntity)
        {
            return JsonResults.Graphql(StatusCodes.Status403Forbidden, "permission denied", Field, "PERMISSION_ERROR");
        }

        if (!Variables.TryStringList(vars, "tags", out var tags))
        {
            return BadRequest("tags must be a list of strings");
        }

        var jobType = Variables.String(vars, "jobType");
        var invalid = NameRules.RunIdError(name)
            ?? NameRules.ProjectError(project)
            ?? tags?.Select(NameRules.TagError).FirstOrDefault(e => e is not null)
            ?? (jobType is null ? null : NameRules.JobTypeError(jobType));
        if (invalid is not null)
        {
            return BadRequest(invalid);
        }

        var configJson = Variables.String(vars, "config");
        JsonObject? config = null;
        if (configJson is not null && !ConfigParser.TryParse(configJson, out config, out var configError))
        {
            return BadRequest(configError!);
        }

        var (run, inserted) = byId is not null ? (byId, false) : state.GetOrCreate(new RunKey(entity, project, name));
        run.ApplyUpsert(new RunParameters(
            DisplayName: Variables.String(vars, "displayName"),
            Description: Variables.String(vars, "description"),
            Notes: Variables.String(vars, "notes"),
            Group: Variables.String(vars, "groupName"),
            JobType: jobType,
            Tags: tags,
            Host: Variables.String(vars, "host"),
            Program: Variables.String(vars, "program"),
            Repo: Variables.String(vars, "repo"),
            Commit: Variables.String(vars, "commit"),
            Sweep: Variables.String(vars, "sweep"),
            State: Variables.String(vars, "state"),
            ConfigJson: configJson,
            Config: config,
            SummaryMetrics: Variables.String(vars, "summaryMetrics")));

        return JsonResults.Json(Response(run, inserted));
    }

    private static IResult BadRequest(string message) =>
        JsonResults.Graphql(StatusCodes.Status400BadRequest, message, Field);

    private static JsonObject Response(FakeRun run, bool inserted) => new()
    {
        ["data"] = new JsonObject
        {
            [Field] = new JsonObject
            {
                ["bucket"] = new JsonObject
                {
                    ["id"] = run.StorageId,
                    ["name"] = run.Name,
                    ["displayName"] = run.DisplayName,
                    ["description"] = run.Description,
                    ["config"] = run.ConfigJson ?? "{}",
                    ["sweepName"] = run.SweepName,
                    ["project"] = new JsonObject
                    {
                        ["id"] = GraphqlIds.Project(run.Entity, run.Project),
                        ["name"] = run.Project,
                        ["entity"] = new JsonObject { ["id"] = GraphqlIds.Entity(run.Entity), ["name"] = run.Entity },
                    },
                    ["historyLineCount"] = run.LineCount(FakeFileNames.History),
                },
                ["inserted"] = inserted,
            },
        },
    };
}
