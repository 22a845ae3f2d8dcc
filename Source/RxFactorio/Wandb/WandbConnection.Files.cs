using RxFactorio.Diagnostics;

namespace RxFactorio.Wandb;

/// <summary>Where one run file goes: its name in the run and the URL to PUT it to.</summary>
/// <param name="Name">The file's name relative to the run's files folder, e.g. <c>wandb-metadata.json</c>.</param>
/// <param name="UploadUrl">Where to PUT it (cloud storage, not the W&amp;B server).</param>
internal sealed record RunFileTarget(string Name, Uri UploadUrl);

/// <summary>CreateRunFiles' answer: a target per file, and the headers every PUT carries.</summary>
/// <param name="Files">The files that got an upload URL.</param>
/// <param name="Headers">The <c>uploadHeaders</c>, parsed from <c>"Name:value"</c>.</param>
internal sealed record RunFileTargets(IReadOnlyList<RunFileTarget> Files, IReadOnlyList<KeyValuePair<string, string>> Headers);

public sealed partial class WandbConnection
{
    /// <summary>Asks for upload URLs for <paramref name="files"/> (core/internal/runfiles/uploader.go <c>upload</c>).</summary>
    /// <exception cref="WandbAuthenticationException">The key or access was refused.</exception>
    /// <exception cref="WandbRequestException">The request failed.</exception>
    internal async Task<RunFileTargets> CreateRunFilesAsync(string entity, string project, string runId, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        const string operation = "CreateRunFiles";
        RxFactorioMeter.HttpRequests.Add(1);
        var request = new GraphQlRequest<CreateRunFilesVariables>(WandbQueries.CreateRunFiles, new CreateRunFilesVariables(entity, project, runId, files), operation);
        var response = await Call(() => _api.CreateRunFilesAsync(request, runId, WandbRequestKind.GraphQl, operation, cancellationToken), operation, entity, project, cancellationToken).ConfigureAwait(false);
        var payload = EnsureGraphQl(response, operation, entity, project).CreateRunFiles;
        var targets = new List<RunFileTarget>();
        foreach (var file in payload?.Files ?? [])
        {
            // NOTE: as uploader.go: a file without a URL, or with a name that is not one we asked for, is skipped.
            if (file.Name is { } name && files.Contains(name, StringComparer.Ordinal)
                && Uri.TryCreate(file.UploadUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                targets.Add(new RunFileTarget(name, url));
            }
        }
        return new RunFileTargets(targets, ParseHeaders(payload?.UploadHeaders));
    }

    /// <summary>
    /// PUTs one file's bytes to its upload URL with the upload headers and nothing else: this client
    /// has no <see cref="WandbAuthHandler"/> (core/internal/filetransfer/file_transfer_default.go).
    /// </summary>
    /// <returns>Null on success, else why it failed (status, or the transport error; never the URL's query, which is a signature).</returns>
    internal async Task<string?> PutRunFileAsync(RunFileTarget target, byte[] content, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        RxFactorioMeter.HttpRequests.Add(1);
        using var request = new HttpRequestMessage(HttpMethod.Put, target.UploadUrl) { Content = new ByteArrayContent(content) };
        ((IDictionary<string, object?>)request.Options)[WandbRequestKind.OperationKey] = "file upload";
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        var where = $"{target.UploadUrl.Scheme}://{target.UploadUrl.Authority}{target.UploadUrl.AbsolutePath}";
        try
        {
            using var response = await _uploads.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            RxFactorioMeter.HttpFailures.Add(1);
            return $"PUT {where} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException or RetryWaitCutException && !cancellationToken.IsCancellationRequested)
        {
            RxFactorioMeter.HttpFailures.Add(1);
            return $"PUT {where} failed ({e.GetType().Name}: {ServerText(e.Message)})";
        }
    }

    /// <summary><c>"Name:value"</c> strings as headers; malformed ones are skipped (core/internal/filetransfer/task_default.go <c>ParseHeaders</c>).</summary>
    private static List<KeyValuePair<string, string>> ParseHeaders(List<string>? headers)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        foreach (var header in headers ?? [])
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                parsed.Add(new(header[..colon], header[(colon + 1)..].Trim()));
            }
        }
        return parsed;
    }
}
