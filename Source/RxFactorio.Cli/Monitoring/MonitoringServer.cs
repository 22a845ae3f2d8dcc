using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Settings;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// <c>GET /healthz</c> and <c>GET /metrics</c> over plain HTTP/1.1, one request per connection.
/// NOTE: a listening socket of our own, not Kestrel: two read-only endpoints need no routing or
/// middleware, and the ASP.NET Core framework would add start-up time and resident memory to a
/// process meant to idle beside a game server for weeks. Not <see cref="HttpListener"/> either: its
/// managed (Linux, macOS) implementation accepts a connection that is already waiting before it has
/// set itself up, so a probe that connects while the listener starts makes <c>Start()</c> throw an
/// <see cref="ArgumentNullException"/> and leaves the port bound by a socket nobody can close; and
/// <c>Stop()</c> then <c>Close()</c> binds the port once more on the way out, with the same race.
/// Here the socket listens before anything accepts, and whatever waits in its backlog is served.
/// </summary>
internal sealed partial class MonitoringServer : IAsyncDisposable
{
    private const int MaxConnections = 16;
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxDiscardedBodyBytes = 64 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly bool _anyHost;
    private readonly PipelineMetrics _metrics;
    private readonly HealthCheck _health;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _connections = [];
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Serves on <paramref name="listener"/>, a socket that already listens (and is owned from now on).</summary>
    /// <param name="anyHost">Answer whatever <c>Host</c> a request names; else only loopback names (no DNS rebinding).</param>
    internal MonitoringServer(Socket listener, bool anyHost, PipelineMetrics metrics, HealthCheck health, ILogger logger)
    {
        _listener = listener;
        _anyHost = anyHost;
        _metrics = metrics;
        _health = health;
        _logger = logger;
        _loop = Task.Run(AcceptAsync);
    }

    public static MonitoringServer Start(Uri url, bool allowRemote, PipelineMetrics metrics, HealthCheck health, ILogger logger)
    {
        _ = Prefix(url, allowRemote);
        var authority = url.GetLeftPart(UriPartial.Authority);
        var endPoint = ListenEndPoint(url, authority);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(endPoint);
            socket.Listen(64);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new SettingsError($"--health-url {authority}: cannot listen: {ex.Message}");
        }
        var server = new MonitoringServer(socket, anyHost: !IPAddress.IsLoopback(endPoint.Address), metrics, health, logger);
        LogListening(logger, authority);
        return server;
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

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // NOTE: e.g. out of file descriptors: wait a little rather than spin.
                LogRequestFailed(_logger, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            lock (_gate)
            {
                _connections.RemoveAll(c => c.IsCompleted);
                if (_connections.Count >= MaxConnections)
                {
                    client.Dispose();
                    continue;
                }
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            timeout.CancelAfter(RequestTimeout);
            try
            {
                var (status, contentType, body, head) = await ReadAndAnswerAsync(client, timeout.Token).ConfigureAwait(false);
                if (status == 0)
                {
                    return;
                }
                await HttpExchange.WriteAsync(client, status, contentType, body, head, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                LogRequestFailed(_logger, ex.Message);
            }
        }
    }

    /// <summary>Reads one request and chooses the answer; status 0 when the peer left before sending one.</summary>
    private async Task<(int Status, string ContentType, string Body, bool HeadOnly)> ReadAndAnswerAsync(Socket client, CancellationToken cancellationToken)
    {
        const string Text = HttpExchange.TextPlain;
        var (request, error) = await HttpExchange.ReadHeadAsync(client, MaxHeadBytes, cancellationToken).ConfigureAwait(false);
        switch (error)
        {
            case 431:
                return (431, Text, "request head too large\n", false);
            case 400:
                return (400, Text, "bad request\n", false);
        }
        if (request is null)
        {
            return (0, "", "", false);
        }
        if (!HostAllowed(request.Host))
        {
            return (400, Text, "bad request: the Host header is not a loopback name\n", false);
        }
        if (request.Method is not ("GET" or "HEAD"))
        {
            await HttpExchange.DiscardBodyAsync(client, request, MaxDiscardedBodyBytes, cancellationToken).ConfigureAwait(false);
            return (405, Text, "only GET\n", false);
        }
        var head = request.Method == "HEAD";
        switch (request.Path)
        {
            case "/healthz":
                var report = _health.Check();
                return (report.Healthy ? 200 : 503, "application/json; charset=utf-8", HealthJson(report), head);
            case "/metrics":
                return (200, PrometheusText.ContentType, PrometheusText.Format(_metrics.Snapshot(includeRunLogBytes: true)), head);
            default:
                return (404, Text, "not found: try /healthz or /metrics\n", head);
        }
    }

    /// <summary>Bound to loopback: only a loopback <c>Host</c> (or none), so a web page cannot reach it by DNS rebinding.</summary>
    private bool HostAllowed(string? hostHeader)
    {
        if (_anyHost || hostHeader is null)
        {
            return true;
        }
        var host = hostHeader.StartsWith('[')
            ? hostHeader[..(hostHeader.IndexOf(']', StringComparison.Ordinal) + 1)]
            : hostHeader.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
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
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        Task[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }
        // NOTE: each ends promptly: its reads and writes take the cancelled token.
        await Task.WhenAll(open).ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving /healthz and /metrics on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A health/metrics request failed: {Problem}")]
    private static partial void LogRequestFailed(ILogger logger, string problem);
}
