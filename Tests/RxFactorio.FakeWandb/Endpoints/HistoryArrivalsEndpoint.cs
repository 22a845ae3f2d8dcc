using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>
/// GET /runs/history: every run's history lines as arrival records, for load scripts that check
/// each row arrived once and measure its delay. Not part of the W&amp;B protocol; no auth.
/// </summary>
/// <remarks>
/// Each row is <c>[offset, _step, first arrival in Unix milliseconds (server clock), writes]</c>;
/// <c>_step</c> is null for a line that is not a JSON object with an integer <c>_step</c>.
/// </remarks>
internal static class HistoryArrivalsEndpoint
{
    public static IResult Handle(FakeState state) =>
        JsonResults.Json(new JsonArray([.. state.Runs.Select(r => (JsonNode)ToJson(r))]));

    private static JsonObject ToJson(FakeRun run) => new()
    {
        ["name"] = run.Name,
        ["displayName"] = run.DisplayName,
        ["sessionId"] = run.Config.GetValueOrDefault("session_id")?.DeepClone(),
        ["complete"] = run.Complete,
        ["rows"] = new JsonArray([.. run.LineArrivals(FakeFileNames.History).Select(a => (JsonNode)new JsonArray(
            a.Offset,
            StepOf(a.Line),
            a.FirstArrived.ToUnixTimeMilliseconds(),
            a.Writes))]),
    };

    private static long? StepOf(string line) =>
        TolerantJson.TryParse(line, out var node) && node is JsonObject o && o["_step"] is JsonValue v && v.TryGetValue(out long step)
            ? step
            : null;
}
