using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>query Viewer { viewer { id entity username email flags teams {…} } } (docs/wandb-protocol.md §1). viewer.entity is the key owner's default entity.</summary>
internal static class ViewerHandler
{
    public static IResult Handle(string keyEntity) => JsonResults.Json(new JsonObject
    {
        ["data"] = new JsonObject
        {
            ["viewer"] = new JsonObject
            {
                ["id"] = GraphqlIds.User(keyEntity),
                ["entity"] = keyEntity,
                ["username"] = keyEntity,
                ["email"] = $"{keyEntity}@fake-wandb.invalid",
                ["flags"] = "{}",
                ["teams"] = new JsonObject { ["edges"] = new JsonArray() },
            },
        },
    });
}
