using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>POST /_fake/stop {"entity"?, "project"?, "run", "stopped"?: true}: file_stream then answers "stopped": true for that run.</summary>
internal static class StopEndpoint
{
    public static async Task<IResult> PostAsync(HttpContext context, FakeState state, FakeWandbOptions options)
    {
        var (body, status, error) = await JsonBody.ReadAsync(context.Request, 1 << 20);
        if (error is not null)
        {
            return JsonResults.Plain(status, error);
        }

        if (body is not JsonObject request || request["run"] is not JsonValue runValue || !runValue.TryGetValue(out string? name))
        {
            return JsonResults.Plain(StatusCodes.Status400BadRequest, "expected {\"entity\"?, \"project\"?, \"run\"}");
        }

        RunKey key;
        bool stopped;
        try
        {
            key = new RunKey(
                request["entity"]?.GetValue<string>() ?? options.DefaultEntity,
                request["project"]?.GetValue<string>() ?? options.DefaultProject,
                name);
            stopped = request["stopped"]?.GetValue<bool>() ?? true;
        }
        catch (InvalidOperationException e)
        {
            return JsonResults.Plain(StatusCodes.Status400BadRequest, e.Message);
        }

        if (state.FindRun(key) is not { } run)
        {
            return JsonResults.Plain(StatusCodes.Status404NotFound, $"run {key} not found");
        }

        run.MarkStopped(stopped);
        return JsonResults.Json(new JsonObject { ["stopped"] = run.Stopped });
    }
}
