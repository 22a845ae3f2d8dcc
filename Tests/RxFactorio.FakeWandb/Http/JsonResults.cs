using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Http;

/// <summary>JSON responses. Error bodies use the shapes wandb-core reads: GraphQL errors[].message, else {"error": "..."} (docs/wandb-protocol.md §8, backenderrors.go).</summary>
internal static class JsonResults
{
    // Readable output (no \u0022 for quotes); the bodies are only ever read as JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions _jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult For(RequestKind kind, int statusCode, string message) =>
        kind == RequestKind.Graphql ? Graphql(statusCode, message) : Plain(statusCode, message);

    public static IResult Plain(int statusCode, string message) =>
        Json(new JsonObject { ["error"] = message }, statusCode);

    /// <summary>{"errors":[{"message", "path", "extensions":{"code"}}], "data":{field:null}}.</summary>
    public static IResult Graphql(int statusCode, string message, string? field = null, string? code = null)
    {
        var error = new JsonObject { ["message"] = message };
        if (field is not null)
        {
            error["path"] = new JsonArray(field);
        }

        if (code is not null)
        {
            error["extensions"] = new JsonObject { ["code"] = code };
        }

        var body = new JsonObject { ["errors"] = new JsonArray(error) };
        body["data"] = field is null ? null : new JsonObject { [field] = null };
        return Json(body, statusCode);
    }

    public static IResult Json(JsonNode body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(body.ToJsonString(_jsonOptions), "application/json", statusCode: statusCode);
}
