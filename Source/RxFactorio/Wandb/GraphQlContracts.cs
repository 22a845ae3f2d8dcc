using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.Wandb;

// GraphQL request and response bodies (genqlient's shapes). Unknown response fields are ignored.

internal sealed record GraphQlRequest<TVariables>(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("variables")] TVariables Variables,
    [property: JsonPropertyName("operationName")] string OperationName);

internal sealed record GraphQlResponse<TData>(
    [property: JsonPropertyName("data")] TData? Data,
    [property: JsonPropertyName("errors")] List<JsonElement>? Errors);

/// <summary>All 19 variables of UpsertBucket, always present (unset ones are <c>null</c>), in the mutation's order.</summary>
internal sealed record UpsertBucketVariables
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("project")] public string? Project { get; init; }
    [JsonPropertyName("entity")] public string? Entity { get; init; }
    [JsonPropertyName("groupName")] public string? GroupName { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("displayName")] public string? DisplayName { get; init; }
    [JsonPropertyName("notes")] public string? Notes { get; init; }
    [JsonPropertyName("commit")] public string? Commit { get; init; }
    [JsonPropertyName("config")] public string? Config { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("debug")] public bool? Debug { get; init; }
    [JsonPropertyName("program")] public string? Program { get; init; }
    [JsonPropertyName("repo")] public string? Repo { get; init; }
    [JsonPropertyName("jobType")] public string? JobType { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("sweep")] public string? Sweep { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }
    [JsonPropertyName("summaryMetrics")] public string? SummaryMetrics { get; init; }
}

internal sealed record NoVariables;

/// <summary>CreateRunFiles' variables (core/api/graphql/mutation_create_run_files.graphql): file names relative to the run's files folder, with forward slashes.</summary>
internal sealed record CreateRunFilesVariables(
    [property: JsonPropertyName("entity")] string Entity,
    [property: JsonPropertyName("project")] string Project,
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files);

internal sealed record CreateRunFilesData([property: JsonPropertyName("createRunFiles")] CreateRunFilesPayload? CreateRunFiles);

/// <summary>Where to PUT each file; <c>uploadHeaders</c> are <c>"Name:value"</c> strings to send with every PUT.</summary>
internal sealed record CreateRunFilesPayload(
    [property: JsonPropertyName("runID")] string? RunId,
    [property: JsonPropertyName("uploadHeaders")] List<string>? UploadHeaders,
    [property: JsonPropertyName("files")] List<RunFileUploadUrl>? Files);

internal sealed record RunFileUploadUrl(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("uploadUrl")] string? UploadUrl);

internal sealed record UpsertBucketData([property: JsonPropertyName("upsertBucket")] UpsertBucketPayload? UpsertBucket);

internal sealed record UpsertBucketPayload(
    [property: JsonPropertyName("bucket")] BucketDto? Bucket,
    [property: JsonPropertyName("inserted")] bool? Inserted);

internal sealed record BucketDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("project")] ProjectDto? Project,
    [property: JsonPropertyName("historyLineCount")] long? HistoryLineCount);

internal sealed record ProjectDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("entity")] EntityDto? Entity);

internal sealed record EntityDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name);

internal sealed record ViewerData([property: JsonPropertyName("viewer")] ViewerDto? Viewer);

internal sealed record ViewerDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("entity")] string? Entity,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("email")] string? Email);
