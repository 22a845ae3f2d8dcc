using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxFactorio.Cli.Settings;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// <c>GET /healthz</c> and <c>GET /metrics</c> served by Kestrel, one request per connection
/// (<c>Connection: close</c>). Kestrel parses HTTP and enforces the limits (a request head over
/// 16 KiB is answered 431, a malformed request 400); this class chooses the answers.
/// NOTE: a <see cref="KestrelServer"/> of its own, without a web host: no configuration read from
/// the working directory (no <c>appsettings.json</c>, no <c>ASPNETCORE_*</c> variables), no signal
/// handling (the command's host owns Ctrl+C and SIGTERM, and the endpoints keep answering
/// <c>stopping</c> while runs drain), no routing or middleware for two fixed paths, and fewer
/// assemblies loaded than with a <c>WebApplication</c> (measured: docs/operations.md). It logs through
/// our logger factory, where <c>Microsoft.AspNetCore</c> is filtered to warnings.
/// </summary>
internal sealed partial class MonitoringServer : IHttpApplication<HttpContext>, IAsyncDisposable
{
    private const string TextPlain = "text/plain; charset=utf-8";

    private readonly KestrelServer _server;
    private readonly ServiceProvider _services;
    private readonly bool _anyHost;
    private readonly PipelineMetrics _metrics;
    private readonly HealthCheck _health;
    private int _disposed;

    private MonitoringServer(KestrelServer server, ServiceProvider services, bool anyHost, PipelineMetrics metrics, HealthCheck health)
    {
        _server = server;
        _services = services;
        _anyHost = anyHost;
        _metrics = metrics;
        _health = health;
    }

    /// <summary>Listens on <paramref name="url"/> and serves until disposed.</summary>
    /// <param name="allowRemote">Listen on a non-loopback address too; such a server answers whatever <c>Host</c> a request names.</param>
    public static async Task<MonitoringServer> StartAsync(Uri url, bool allowRemote, PipelineMetrics metrics, HealthCheck health, ILoggerFactory loggers, CancellationToken cancellationToken = default)
    {
        CheckUrl(url, allowRemote);
        var authority = url.GetLeftPart(UriPartial.Authority);
        var endPoint = ListenEndPoint(url, authority);
        var services = new ServiceCollection().AddSingleton(loggers).BuildServiceProvider();
        var kestrel = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        kestrel.Listen(endPoint);
        kestrel.Limits.MaxConcurrentConnections = 16;
        kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers);
        var server = new MonitoringServer(new KestrelServer(Options.Create(kestrel), transport, loggers), services, anyHost: !IPAddress.IsLoopback(endPoint.Address), metrics, health);
        try
        {
            await server._server.StartAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new SettingsError($"--health-url {authority}: cannot listen: {ex.InnerException?.Message ?? ex.Message}");
        }
        LogListening(loggers.CreateLogger("rxfactorio"), authority);
        return server;
    }

    /// <summary>Refuses what <c>--health-url</c> cannot be: not <c>http://HOST:PORT</c>, or a non-loopback address unless allowed.</summary>
    public static void CheckUrl(Uri url, bool allowRemote)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new SettingsError($"--health-url {url}: must be http://HOST:PORT (the endpoints are plain HTTP)");
        }
        if (url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            throw new SettingsError($"--health-url {url}: give only http://HOST:PORT; the paths are /healthz and /metrics");
        }
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && !allowRemote)
        {
            throw new SettingsError($"--health-url {url.GetLeftPart(UriPartial.Authority)} is not a loopback address; the endpoints have no authentication. Use 127.0.0.1, or add --health-allow-remote");
        }
    }

    /// <summary>Where to listen: an address literal as given, <c>localhost</c> as 127.0.0.1, a name as the first address it resolves to.</summary>
    private static IPEndPoint ListenEndPoint(Uri url, string authority)
    {
        var host = url.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            return new IPEndPoint(literal, url.Port);
        }
        if (url.IsLoopback)
        {
            return new IPEndPoint(IPAddress.Loopback, url.Port);
        }
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SettingsError($"--health-url {authority}: {host} has no address");
            return new IPEndPoint(address, url.Port);
        }
        catch (SocketException ex)
        {
            throw new SettingsError($"--health-url {authority}: cannot resolve {host}: {ex.Message}");
        }
    }

    HttpContext IHttpApplication<HttpContext>.CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    void IHttpApplication<HttpContext>.DisposeContext(HttpContext context, Exception? exception)
    {
    }

    Task IHttpApplication<HttpContext>.ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        var (status, contentType, body) = Answer(request);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.Connection = "close";
        if (status == StatusCodes.Status405MethodNotAllowed)
        {
            response.Headers.Allow = "GET, HEAD";
        }
        var content = Encoding.UTF8.GetBytes(body);
        response.ContentLength = content.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }

    private (int Status, string ContentType, string Body) Answer(HttpRequest request)
    {
        if (!HostAllowed(request.Host))
        {
            return (400, TextPlain, "bad request: the Host header is not a loopback name\n");
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return (405, TextPlain, "only GET\n");
        }
        switch (request.Path.Value)
        {
            case "/healthz":
                var report = _health.Check();
                return (report.Healthy ? 200 : 503, "application/json; charset=utf-8", HealthJson(report));
            case "/metrics":
                return (200, PrometheusText.ContentType, PrometheusText.Format(_metrics.Snapshot(includeRunLogBytes: true)));
            default:
                return (404, TextPlain, "not found: try /healthz or /metrics\n");
        }
    }

    /// <summary>Bound to loopback: only a loopback <c>Host</c> (or none, HTTP/1.0), so a web page cannot reach it by DNS rebinding.</summary>
    private bool HostAllowed(HostString host)
    {
        if (_anyHost || !host.HasValue)
        {
            return true;
        }
        var name = host.Host;
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _server.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving /healthz and /metrics on {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}
