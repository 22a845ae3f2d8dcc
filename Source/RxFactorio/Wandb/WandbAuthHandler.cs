using System.Net.Http.Headers;

namespace RxFactorio.Wandb;

/// <summary>
/// Adds <c>Authorization: Basic base64("api:" + key)</c>, but only to requests whose scheme, host
/// and port match the base URL and whose path is under the base URL's path (as wandb-core's
/// <c>LimitTo</c>), so a redirect or signed upload URL elsewhere never gets the key. Also sets
/// <c>User-Agent</c> when the request has none.
/// </summary>
internal sealed class WandbAuthHandler : DelegatingHandler
{
    private readonly Uri _baseUrl;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _userAgent;

    /// <summary>Creates the handler.</summary>
    /// <param name="baseUrl">The W&amp;B base URL; only requests under it get credentials.</param>
    /// <param name="credentials">The API key.</param>
    /// <param name="userAgent">The <c>User-Agent</c> value.</param>
    public WandbAuthHandler(Uri baseUrl, WandbCredentials credentials, string userAgent = "RxFactorio")
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(credentials);
        _baseUrl = baseUrl;
        _authorization = new AuthenticationHeaderValue("Basic", credentials.BasicAuthorizationParameter);
        _userAgent = userAgent;
    }

    /// <summary>True when <paramref name="requestUri"/> is under <paramref name="baseUrl"/> (same scheme, host, port, path prefix).</summary>
    /// <param name="baseUrl">The base URL.</param>
    /// <param name="requestUri">The request's URL.</param>
    public static bool IsUnderBaseUrl(Uri baseUrl, Uri? requestUri)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (requestUri is null || !requestUri.IsAbsoluteUri)
        {
            return false;
        }
        if (!string.Equals(requestUri.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(requestUri.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            || requestUri.Port != baseUrl.Port)
        {
            return false;
        }
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var path = requestUri.AbsolutePath;
        return basePath.Length == 0
            || path == basePath
            || path.StartsWith(basePath + "/", StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsUnderBaseUrl(_baseUrl, request.RequestUri))
        {
            request.Headers.Authorization = _authorization;
        }
        else
        {
            request.Headers.Authorization = null;
        }
        if (request.Headers.UserAgent.Count == 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
