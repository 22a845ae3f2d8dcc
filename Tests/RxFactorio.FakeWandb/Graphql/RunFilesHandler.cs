using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Endpoints;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>
/// CreateRunFiles (core/api/graphql/mutation_create_run_files.graphql): an upload URL per file on the
/// storage port (<see cref="UploadEndpoint"/>), plus <c>uploadHeaders</c> every PUT must carry; and
/// MarkRunFilesUploaded (mutation_mark_run_files_uploaded.graphql), which records the names.
/// </summary>
internal sealed class RunFilesHandler(FakeState state, UploadEndpoint uploads)
{
    public IResult CreateRunFiles(JsonObject variables, string keyEntity)
    {
        if (Find(variables, keyEntity, out var files) is not { } run)
        {
            return NotFound(variables, "createRunFiles");
        }

        var entries = new JsonArray();
        foreach (var name in files)
        {
            var slot = state.UploadSlots.Issue(run, name);
            entries.Add(new JsonObject { ["name"] = name, ["uploadUrl"] = uploads.UrlFor(slot) });
        }

        return JsonResults.Json(new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["createRunFiles"] = new JsonObject
                {
                    ["runID"] = run.StorageId,
                    ["uploadHeaders"] = new JsonArray(UploadEndpoint.RequiredHeader + ":" + UploadEndpoint.RequiredHeaderValue),
                    ["files"] = entries,
                },
            },
        });
    }

    public IResult MarkRunFilesUploaded(JsonObject variables, string keyEntity)
    {
        if (Find(variables, keyEntity, out var files) is not { } run)
        {
            return NotFound(variables, "markRunFilesUploaded");
        }

        run.MarkUploaded(files);
        return JsonResults.Json(new JsonObject { ["data"] = new JsonObject { ["markRunFilesUploaded"] = new JsonObject { ["success"] = true } } });
    }

    private FakeRun? Find(JsonObject variables, string keyEntity, out IReadOnlyList<string> files)
    {
        files = Variables.TryStringList(variables, "files", out var list) && list is not null ? list : [];
        var entity = Variables.NonEmpty(variables, "entity") ?? keyEntity;
        return Variables.NonEmpty(variables, "project") is { } project && Variables.NonEmpty(variables, "run") is { } name
            ? state.FindRun(entity, project, name)
            : null;
    }

    private static IResult NotFound(JsonObject variables, string field) => JsonResults.Graphql(
        StatusCodes.Status200OK,
        $"run {Variables.String(variables, "entity")}/{Variables.String(variables, "project")}/{Variables.String(variables, "run")} not found",
        field,
        "NOT_FOUND");
}
