using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Graphql;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>POST /graphql: {"query", "variables", "operationName"} (docs/wandb-protocol.md §2). Success is always HTTP 200 (docs/wandb-protocol.md §8).</summary>
internal sealed class GraphqlEndpoint(FakeState state, FakeWandbOptions options, ApiKeyAuthenticator auth, UploadEndpoint uploads)
{
    private readonly UpsertBucketHandler _upsert = new(state, options);
    private readonly RunFilesHandler _runFiles = new(state, uploads);
    private readonly RunResumeStatusHandler _resume = new(state, options);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        state.CounterSet.Graphql();
        var (body, status, error) = await JsonBody.ReadAsync(context.Request, options.MaxRequestBytes);
        if (error is not null)
        {
            return JsonResults.Graphql(status, error);
        }

        if (body is not JsonObject request)
        {
            return JsonResults.Graphql(StatusCodes.Status400BadRequest, "request body must be a JSON object");
        }

        var query = request["query"] is JsonValue q && q.TryGetValue(out string? text) ? text : null;
        var sentName = request["operationName"] is JsonValue o && o.TryGetValue(out string? n) ? n : null;
        var name = OperationNames.Named(sentName, query);
        context.Items[RequestLogMiddleware.OperationNameKey] = name;
        var operation = OperationNames.Resolve(name, query);

        // Missing or bad credentials: 401 with this body (docs/wandb-protocol.md §8, issues #7118, #5319). Not retried by the client.
        if (auth.Authenticate(context.Request) is not { } keyEntity)
        {
            state.CounterSet.Unauthorized();
            return JsonResults.Graphql(
                StatusCodes.Status401Unauthorized,
                "user is not logged in",
                OperationNames.RootField(operation),
                "PERMISSION_ERROR");
        }

        var variables = request["variables"] as JsonObject ?? [];
        return operation switch
        {
            OperationNames.Viewer => ViewerHandler.Handle(keyEntity),
            OperationNames.UpsertBucket => _upsert.Handle(variables, keyEntity),
            OperationNames.ServerFeaturesQuery => ServerFeaturesHandler.Handle(options.ServerFeatures),
            OperationNames.RunResumeStatus => _resume.Handle(variables, keyEntity),
            OperationNames.CreateRunFiles => _runFiles.CreateRunFiles(variables, keyEntity),
            OperationNames.MarkRunFilesUploaded => _runFiles.MarkRunFilesUploaded(variables, keyEntity),

            // Unknown operations: a GraphQL error in a 200 response, which the client treats as a failure (docs/wandb-protocol.md §8).
            _ => JsonResults.Graphql(
                StatusCodes.Status200OK,
                $"unsupported operation '{name ?? "(unnamed)"}' in the fake W&B server",
                code: "GRAPHQL_VALIDATION_FAILED"),
        };
    }
}
