using System.Collections.Immutable;
using System.Net;

namespace RxFactorio.Wandb;

/// <summary>
/// Every W&amp;B setting, limit and default in one place: where to send, what to call the runs'
/// project, request and line size limits, heartbeat and retry timing. Call <see cref="Validate"/>
/// (the sink's factory does) before use.
/// </summary>
public sealed record WandbOptions
{
    /// <summary>The W&amp;B public cloud API, the default <see cref="BaseUrl"/>.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.wandb.ai");

    /// <summary>The server's hard limit on one line of a run file: 10 MiB − 100 KiB = 10,383,360 bytes.</summary>
    public const int ServerMaxLineBytes = (10 << 20) - (100 << 10);

    /// <summary>About the server's limit on one file_stream request: 10 MiB.</summary>
    public const int ServerMaxRequestBytes = 10 << 20;

    /// <summary>The server URL (<c>WANDB_BASE_URL</c>); GraphQL is <c>{BaseUrl}/graphql</c>, file_stream <c>{BaseUrl}/files/…</c>.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>The W&amp;B project the runs go to; created by the first upsert if missing.</summary>
    public string Project { get; init; } = "factorio-experiments";

    /// <summary>The entity (user or team); <c>null</c> lets the server use the API key's default entity.</summary>
    public string? Entity { get; init; }

    /// <summary>Tags for every run (1–64 characters each).</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>The run group (<c>groupName</c>), or <c>null</c>.</summary>
    public string? Group { get; init; }

    /// <summary>Notes for every run, or <c>null</c>.</summary>
    public string? Notes { get; init; }

    /// <summary>The job type (at most 64 characters), or <c>null</c>.</summary>
    public string? JobType { get; init; }

    /// <summary>Allow plain <c>http</c> to hosts other than loopback (the API key is then sent in clear text).</summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>The <c>User-Agent</c> header.</summary>
    public string UserAgent { get; init; } = "RxFactorio";

    /// <summary>An empty file_stream request (<c>{}</c>) is sent after this long without a request for a run (W&amp;B: 30 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest file_stream request body; bigger batches are split. At most <see cref="ServerMaxRequestBytes"/>.</summary>
    public int MaxRequestBytes { get; init; } = ServerMaxRequestBytes - (64 << 10);

    /// <summary>The largest line (history row, summary, log line) in UTF-8 bytes; longer lines are dropped and counted.</summary>
    public int MaxLineBytes { get; init; } = ServerMaxLineBytes;

    /// <summary>The first retry delay; later ones double (with up to 25 % jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest computed retry delay. A server's <c>Retry-After</c> is honoured even when longer (up to <see cref="MaxRetryAfter"/>).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest <c>Retry-After</c> that is honoured as given; longer values are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many times a GraphQL request (UpsertBucket, Viewer) is retried (wandb-core: 20).</summary>
    public int GraphQlMaxRetries { get; init; } = 20;

    /// <summary>The timeout of one GraphQL attempt (wandb-core: 30 s).</summary>
    public TimeSpan GraphQlAttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The timeout of one file_stream attempt (wandb-core: 180 s).</summary>
    public TimeSpan FileStreamAttemptTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// How long one file_stream request is retried in all, including waits, before it fails
    /// (at most 24 h), or <see cref="Timeout.InfiniteTimeSpan"/> to retry until cancelled.
    /// The default is 1 hour: long enough to ride out an outage or a long <c>Retry-After</c>,
    /// short enough that a dead server is reported.
    /// </summary>
    public TimeSpan FileStreamRetryDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Returns every problem with these options, in plain words; empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        ValidateBaseUrl(errors);
        if (string.IsNullOrWhiteSpace(Project))
        {
            errors.Add("Project must not be empty.");
        }
        else if (Project.Length > 128 || Project.IndexOfAny(['/', '\\', '#', '?', '%', ':']) >= 0)
        {
            errors.Add($"Project '{Project}' is not valid: at most 128 characters and none of / \\ # ? % :.");
        }
        if (Entity is not null && string.IsNullOrWhiteSpace(Entity))
        {
            errors.Add("Entity must be null (the API key's default entity) or a name, not blank.");
        }
        foreach (var tag in Tags.IsDefault ? ImmutableArray<string>.Empty : Tags)
        {
            if (string.IsNullOrEmpty(tag) || tag.Length > 64)
            {
                errors.Add($"Tag '{tag}' is not valid: tags must be 1 to 64 characters.");
            }
        }
        if (JobType is { Length: > 64 })
        {
            errors.Add("JobType must be at most 64 characters.");
        }
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            errors.Add("HeartbeatInterval must be positive.");
        }
        if (MaxRequestBytes is < 4096 or > ServerMaxRequestBytes)
        {
            errors.Add($"MaxRequestBytes must be between 4096 and {ServerMaxRequestBytes} (10 MiB), not {MaxRequestBytes}.");
        }
        if (MaxLineBytes < 16 || MaxLineBytes > ServerMaxLineBytes || MaxLineBytes >= MaxRequestBytes)
        {
            errors.Add($"MaxLineBytes must be at least 16, at most {ServerMaxLineBytes} and below MaxRequestBytes, not {MaxLineBytes}.");
        }
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay || RetryMaxDelay > TimeSpan.FromDays(1))
        {
            errors.Add("RetryBaseDelay must be positive and RetryMaxDelay at least RetryBaseDelay (and at most a day).");
        }
        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromDays(1))
        {
            errors.Add("MaxRetryAfter must be between 0 and a day.");
        }
        if (GraphQlMaxRetries < 0)
        {
            errors.Add("GraphQlMaxRetries must not be negative.");
        }
        if (!IsValidTimeout(GraphQlAttemptTimeout) || !IsValidTimeout(FileStreamAttemptTimeout))
        {
            errors.Add("GraphQlAttemptTimeout and FileStreamAttemptTimeout must be between 10 ms and 24 h.");
        }
        if (FileStreamRetryDuration != Timeout.InfiniteTimeSpan && !IsValidTimeout(FileStreamRetryDuration))
        {
            errors.Add("FileStreamRetryDuration must be between 10 ms and 24 h, or Timeout.InfiniteTimeSpan.");
        }
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    /// <returns>These options, for chaining.</returns>
    public WandbOptions Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid W&B options: " + string.Join(" ", errors));
        }
        return this;
    }

    /// <summary>The base URL's <c>host[:port]</c> (the port only when not the scheme's default), as netrc and messages use it.</summary>
    public string NetLocation => BaseUrl.IsDefaultPort ? BaseUrl.Host : $"{BaseUrl.Host}:{BaseUrl.Port}";

    private void ValidateBaseUrl(List<string> errors)
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            errors.Add("BaseUrl must be an absolute URL such as https://api.wandb.ai.");
            return;
        }
        if (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"BaseUrl must be http or https, not '{BaseUrl.Scheme}'.");
            return;
        }
        if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
        {
            errors.Add("BaseUrl must not have a query or fragment.");
        }
        var host = BaseUrl.Host.ToLowerInvariant();
        if (host is "wandb.ai" or "app.wandb.ai")
        {
            errors.Add($"BaseUrl host '{host}' is the web app, not the API: did you mean https://api.wandb.ai?");
        }
        if (BaseUrl.Scheme == Uri.UriSchemeHttp)
        {
            if (host.EndsWith("wandb.ai", StringComparison.Ordinal))
            {
                errors.Add("BaseUrl must use https for wandb.ai.");
            }
            else if (!IsLoopback(BaseUrl) && !AllowInsecureHttp)
            {
                errors.Add($"BaseUrl '{BaseUrl}' uses plain http to a non-loopback host, which would send the API key in clear text; use https or set AllowInsecureHttp.");
            }
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsValidTimeout(TimeSpan t) => t >= TimeSpan.FromMilliseconds(10) && t <= TimeSpan.FromDays(1);
}
