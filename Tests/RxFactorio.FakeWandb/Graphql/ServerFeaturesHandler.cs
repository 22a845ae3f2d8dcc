using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>ServerFeaturesQuery must be answered, or the client retries 20 times (docs/wandb-protocol.md §8). Default: no features.</summary>
internal static class ServerFeaturesHandler
{
    public static IResult Handle(IReadOnlyList<string> enabled) => JsonResults.Json(new JsonObject
    {
        ["data"] = new JsonObject
        {
            ["serverInfo"] = new JsonObject
            {
                ["features"] = new JsonArray([.. enabled.Select(name => (JsonNode)new JsonObject { ["name"] = name, ["isEnabled"] = true })]),
            },
        },
    });
}
