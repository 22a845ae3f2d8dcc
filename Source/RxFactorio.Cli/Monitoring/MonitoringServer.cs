using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Settings;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// <c>GET /healthz</c> and <c>GET /metrics</c> over plain HTTP.
/// NOTE: <see cref="HttpListener"/>, not Kestrel: two read-only endpoints need no routing or
/// middleware, and the ASP.NET Core framework would add start-up time and resident memory to a
/// process meant to idle beside a game server for weeks.
/// </summary>
internal sealed partial class MonitoringServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly PipelineMetrics _metrics;
    private readonly HealthCheck _health;
    private readonly ILogger _logger;
    private readonly Task _loop;

    private MonitoringServer(string prefix, PipelineMetrics metrics, HealthCheck health, ILogger logger)
    {
        _metrics = metrics;
        _health = health;
        _logger = logger;
        _listener.Prefixes.Add(prefix);
        _listener.IgnoreWriteExceptions = true;
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public static MonitoringServer Start(Uri url, bool allowRemote, PipelineMetrics metrics, HealthCheck health, ILogger logger)
    {
        var prefix = Prefix(url, allowRemote);
        try
        {
            var server = new MonitoringServer(prefix, metrics, health, logger);
            LogListening(logger, url.GetLeftPart(UriPartial.Authority));
            return server;
        }
        catch (HttpListenerException ex)
        {
            throw new SettingsError($"--health-url {url.GetLeftPart(UriPartial.Authority)}: cannot listen: {ex.Message}");
        }
    }

    /// <summary>The listener prefix for <paramref name="url"/>; refuses a non-loopback address unless allowed.</summary>
    public static string Prefix(Uri url, bool allowRemote)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new SettingsError($"--health-url {url}: must be http://HOST:PORT (the endpoints are plain HTTP)");
        }
        if (url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            throw new SettingsError($"--health-url {url}: give only http://HOST:PORT; the paths are /healthz and /metrics");
        }
        var host = url.Host;
        var loopback = url.IsLoopback || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && !allowRemote)
        {
            throw new SettingsError($"--health-url {url.GetLeftPart(UriPartial.Authority)} is not a loopback address; the endpoints have no authentication. Use 127.0.0.1, or add --health-allow-remote");
        }
        var listenHost = host is "0.0.0.0" or "[::]" or "*" ? "+" : host;
        return $"http://{listenHost}:{url.Port}/";
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await HandleAsync(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                LogRequestFailed(_logger, ex.Message);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        var path = context.Request.Url?.AbsolutePath ?? "/";
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.KeepAlive = false;
            response.AddHeader("Allow", "GET, HEAD");
            if (context.Request.HasEntityBody)
            {
                await context.Request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            }
            await WriteAsync(response, 405, "text/plain; charset=utf-8", "only GET\n").ConfigureAwait(false);
            return;
        }
        switch (path)
        {
            case "/healthz":
                var report = _health.Check();
                await WriteAsync(response, report.Healthy ? 200 : 503, "application/json; charset=utf-8", HealthJson(report)).ConfigureAwait(false);
                break;
            case "/metrics":
                await WriteAsync(response, 200, PrometheusText.ContentType, PrometheusText.Format(_metrics.Snapshot(includeRunLogBytes: true))).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(response, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n").ConfigureAwait(false);
                break;
        }
    }

    public static string HealthJson(HealthReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status);
            if (report.Reason is { } reason)
            {
                json.WriteString("reason", reason);
            }
            json.WriteNumber("activeRuns", report.ActiveRuns);
            json.WriteNumber("rowsPending", report.RowsPending);
            if (report.SecondsSinceProgress is { } since)
            {
                json.WriteNumber("secondsSinceProgress", since);
            }
            json.WriteStartArray("sources");
            foreach (var source in report.Sources ?? [])
            {
                json.WriteStartObject();
                json.WriteString("source", source.Source);
                json.WriteString("state", source.StateName);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener.IsListening)
        {
            _listener.Stop();
        }
        await _loop.ConfigureAwait(false);
        _listener.Close();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving /healthz and /metrics on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A health/metrics request failed: {Problem}")]
    private static partial void LogRequestFailed(ILogger logger, string problem);
}
