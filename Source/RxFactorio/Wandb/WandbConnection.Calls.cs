using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Refit;
using RxFactorio.Diagnostics;

namespace RxFactorio.Wandb;

/// <summary>The result of UpsertBucket that a run needs.</summary>
/// <param name="StorageId">The run's storage id (<c>bucket.id</c>), sent as <c>id</c> on later upserts.</param>
/// <param name="RunId">The run id (<c>bucket.name</c>).</param>
/// <param name="Entity">The entity the server used (the default one when none was given).</param>
/// <param name="Project">The project the server used.</param>
/// <param name="HistoryLineCount">History lines the server already has for this run.</param>
/// <param name="Inserted">True when the run was created by this call.</param>
internal sealed record UpsertResult(string? StorageId, string RunId, string Entity, string Project, long HistoryLineCount, bool? Inserted);

public sealed partial class WandbConnection
{
    internal async Task<UpsertResult> UpsertBucketAsync(UpsertBucketVariables variables, CancellationToken cancellationToken)
    {
        const string operation = "UpsertBucket";
        RxFactorioMeter.HttpRequests.Add(1);
        var request = new GraphQlRequest<UpsertBucketVariables>(WandbQueries.UpsertBucket, variables, operation);
        var response = await Call(() => _api.UpsertBucketAsync(request, variables.Name ?? "", WandbRequestKind.UpsertBucket, operation, cancellationToken), operation, variables.Entity, variables.Project, cancellationToken).ConfigureAwait(false);
        var data = EnsureGraphQl(response, operation, variables.Entity, variables.Project);
        var bucket = data.UpsertBucket?.Bucket;
        var entity = bucket?.Project?.Entity?.Name;
        var project = bucket?.Project?.Name;
        if (bucket is null || string.IsNullOrEmpty(entity) || string.IsNullOrEmpty(project))
        {
            RxFactorioMeter.HttpFailures.Add(1);
            throw new WandbRequestException(operation, Options.NetLocation, response.StatusCode, null,
                $"W&B {operation} at {Options.NetLocation} returned no bucket with project and entity names; cannot build the file_stream URL.");
        }
        return new UpsertResult(bucket.Id, bucket.Name ?? variables.Name ?? "", entity, project, bucket.HistoryLineCount ?? 0, data.UpsertBucket?.Inserted);
    }

    internal async Task<FileStreamResponse> FileStreamAsync(string entity, string project, string runId, FileStreamRequest body, CancellationToken cancellationToken)
    {
        const string operation = "file_stream";
        RxFactorioMeter.HttpRequests.Add(1);
        // NOTE: written once, before the call: every retry of it sends these bytes; disposed (blocks back to the pool) after it.
        using var written = FileStreamBody.Write(body, WandbRefit.BodyEncoder);
        var response = await Call(() => _api.FileStreamAsync(entity, project, runId, written, runId, WandbRequestKind.FileStream, operation, cancellationToken), operation, entity, project, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, operation, entity, project);
        }
        // Any 2xx is success; an unreadable or empty body just means "not stopped".
        return response.IsSuccessful && response.Content is { } content ? content : new FileStreamResponse(false, null, null);
    }

    private async Task<IApiResponse<T>> Call<T>(Func<Task<IApiResponse<T>>> send, string operation, string? entity, string? project, CancellationToken cancellationToken)
    {
        IApiResponse<T> response;
        try
        {
            response = await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or ApiRequestException or IOException or RetryWaitCutException && !cancellationToken.IsCancellationRequested)
        {
            throw TransportFailure(operation, entity, project, e);
        }
        if (response.HasRequestError(out var requestError))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw TransportFailure(operation, entity, project, requestError.InnerException ?? requestError);
        }
        return response;
    }

    private WandbRequestException TransportFailure(string operation, string? entity, string? project, Exception e)
    {
        RxFactorioMeter.HttpFailures.Add(1);
        var why = e switch
        {
            TimeoutRejectedException => "timed out (retries used up)",
            RetryWaitCutException cut => $"was given up for the shutdown: {cut.Message}; its rows stay in the run log",
            _ => $"failed without a response ({e.GetType().Name}: {ServerText(e.Message)})",
        };
        _logger.LogError("W&B {Operation} to {Host} for {Entity}/{Project} {Why}.", operation, Options.NetLocation, entity ?? "(default entity)", project, why);
        return new WandbRequestException(operation, Options.NetLocation, null, null, $"W&B {operation} request to {Options.NetLocation} {why}.", e);
    }

    private TData EnsureGraphQl<TData>(IApiResponse<GraphQlResponse<TData>> response, string operation, string? entity, string? project)
        where TData : class
    {
        // NOTE: genqlient accepts exactly 200; errors in a 200 body are failures too.
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Failure(response, operation, entity, project);
        }
        if (!response.IsSuccessful || response.Content is null)
        {
            RxFactorioMeter.HttpFailures.Add(1);
            // NOTE: not response.Error as the inner exception: it carries the raw body (which may echo the key).
            throw new WandbRequestException(operation, Options.NetLocation, response.StatusCode, null,
                $"W&B {operation} at {Options.NetLocation} returned an unreadable response ({ServerText(response.Error?.Message) ?? "no body"}).");
        }
        var errors = ErrorMessages(response.Content.Errors);
        if (errors is not null)
        {
            RxFactorioMeter.HttpFailures.Add(1);
            throw new WandbRequestException(operation, Options.NetLocation, response.StatusCode, errors,
                $"W&B {operation} at {Options.NetLocation} failed with a GraphQL error: {errors}");
        }
        if (response.Content.Data is not { } data)
        {
            RxFactorioMeter.HttpFailures.Add(1);
            throw new WandbRequestException(operation, Options.NetLocation, response.StatusCode, null,
                $"W&B {operation} at {Options.NetLocation} returned no data.");
        }
        return data;
    }

    private WandbRequestException Failure(IApiResponse response, string operation, string? entity, string? project)
    {
        RxFactorioMeter.HttpFailures.Add(1);
        var status = response.StatusCode ?? 0;
        var serverMessage = ServerMessage(response.HasResponseError(out var apiError) ? apiError.Content : null);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var auth = new WandbAuthenticationException(operation, Options.NetLocation, entity ?? Options.Entity, project ?? Options.Project, status, serverMessage);
            _logger.LogError("{Message}", auth.Message);
            return auth;
        }
        var retried = WandbRetryPolicy.IsRetryableStatus((int)status, operation == "UpsertBucket") ? " after retries" : "";
        var text = serverMessage is null ? "" : $": {serverMessage}";
        var message = $"W&B {operation} at {Options.NetLocation} for {entity ?? "(default entity)"}/{project} failed{retried} with HTTP {(int)status} {response.ReasonPhrase}{text}";
        _logger.LogError("{Message}", message);
        // NOTE: not response.Error as the inner exception: it carries the raw body (which may echo the key).
        return new WandbRequestException(operation, Options.NetLocation, status, serverMessage, message);
    }

    /// <summary>
    /// The server's error text from a body: <c>errors[].message</c>, <c>errors[]</c> strings, <c>error</c>,
    /// or the body itself; with the API key redacted, then shortened.
    /// </summary>
    internal string? ServerMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    return ErrorMessages([.. errors.EnumerateArray()]);
                }
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    return ServerText(error.GetString());
                }
            }
        }
        catch (JsonException)
        {
        }
        return ServerText(body);
    }

    private string? ErrorMessages(List<JsonElement>? errors)
    {
        if (errors is null || errors.Count == 0)
        {
            return null;
        }
        var messages = errors.Select(e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Object when e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
            _ => e.GetRawText(),
        });
        return ServerText(string.Join("; ", messages));
    }

    /// <summary>
    /// Every text that came from a server (or from the transport) passes here before it reaches a
    /// message, a log line or an exception: the key redacted first (so that shortening cannot
    /// leave half of it), then cut to 500 characters.
    /// </summary>
    private string? ServerText(string? text) =>
        _redactor.Redact(text) is not { } redacted ? null : redacted.Length <= 500 ? redacted : redacted[..500] + "…";
}
