using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Cli.Monitoring;
using RxFactorio.Cli.Settings;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Monitoring;

public sealed class PrometheusTextTests
{
    [Test]
    public void Format_HasHelpAndTypeForEveryFamily_AndEscapesLabels()
    {
        var snapshot = new MetricsSnapshot
        {
            Events = new Dictionary<string, long> { ["stats"] = 3, ["we\"ird\\"] = 1 },
            Rejected = new Dictionary<string, long> { ["InvalidJson"] = 2 },
            RowsSent = 5,
            RowsPending = 7,
            HttpResponses = new Dictionary<string, long> { ["200"] = 9, ["503"] = 2, ["error"] = 1 },
            HttpRetriesByStatus = new Dictionary<string, long> { ["503"] = 2, ["error"] = 1 },
            State = PipelineState.Running,
        };

        var text = PrometheusText.Format(snapshot);
        var parsed = Prometheus.Parse(text);

        Assert.That(parsed.Value("rxfactorio_events_total{type=\"stats\"}"), Is.EqualTo(3));
        Assert.That(text, Does.Contain("rxfactorio_events_total{type=\"we\\\"ird\\\\\"} 1\n"));
        Assert.That(parsed.Value("rxfactorio_rejected_lines_total{reason=\"InvalidJson\"}"), Is.EqualTo(2));
        Assert.That(parsed.Value("rxfactorio_rows_pending"), Is.EqualTo(7));
        Assert.That(parsed.Value("rxfactorio_http_responses_total{status=\"503\"}"), Is.EqualTo(2));
        Assert.That(parsed.Value("rxfactorio_http_responses_total{status=\"error\"}"), Is.EqualTo(1));
        Assert.That(parsed.Value("rxfactorio_http_retries_by_status_total{status=\"503\"}"), Is.EqualTo(2));
        Assert.That(parsed.Value("rxfactorio_runlog_bytes"), Is.Zero);
        Assert.That(parsed.Value("rxfactorio_up"), Is.EqualTo(1));
        Assert.That(parsed.Types.Keys, Is.EquivalentTo(parsed.Help.Keys));
        Assert.That(text, Does.EndWith("\n"));
    }

    [Test]
    public void Format_SourceOpenGauge_OnePerSource_WithPrintableEscapedLabels()
    {
        var text = PrometheusText.Format(new MetricsSnapshot { SourcesOpen = new Dictionary<string, long> { ["/srv/events.pipe"] = 1, ["/srv/we\"ird\\\n.jsonl"] = 0 } });
        var parsed = Prometheus.Parse(text);

        Assert.That(parsed.Value("rxfactorio_source_open{source=\"/srv/events.pipe\"}"), Is.EqualTo(1));
        Assert.That(text, Does.Contain("rxfactorio_source_open{source=\"/srv/we\\\"ird\\\\\\\\n.jsonl\"} 0\n"), "quote and backslash escaped, the newline made printable (\\n)");
        Assert.That(parsed.Types["rxfactorio_source_open"], Is.EqualTo("gauge"));
        Assert.That(parsed.Help, Does.ContainKey("rxfactorio_source_open"));
    }
}

public sealed class HealthCheckTests
{
    private MeterTotals _meter = null!;

    [SetUp]
    public void StartListening() => _meter = new MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    private static LogBatch Batch(int rows) => new()
    {
        Run = new RunInfo { RunId = "abcd1234", DisplayName = "d", Key = new RunKey("src", "s", 0), StartTick = 0 },
        Rows = [.. Enumerable.Range(0, rows).Select(i => new HistoryRow(i, i, i, DateTimeOffset.UnixEpoch, ImmutableArray<KeyValuePair<string, double>>.Empty))],
    };

    [Test]
    public void Healthy_WhileRunningWithNothingPending_UnhealthyWhenRowsWaitWithoutProgress()
    {
        var time = new FakeTimeProvider();
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var health = new HealthCheck(metrics, time) { StallAfter = TimeSpan.FromSeconds(60) };

        Assert.That(health.Check().Reason, Is.EqualTo("starting"));
        metrics.SetState(PipelineState.Running);
        Assert.That(health.Check().Healthy, Is.True);

        RxFactorioMeter.RowsPending.Add(Batch(3).Rows.Length);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(health.Check().Healthy, Is.True, "within the stall window");
        time.Advance(TimeSpan.FromSeconds(2));
        var stalled = health.Check();
        Assert.That(stalled.Healthy, Is.False);
        Assert.That(stalled.Reason, Does.Contain("3 row(s) pending"));

        RxFactorioMeter.RowsPending.Add(-3);
        RxFactorioMeter.RowsWritten.Add(3);
        Assert.That(health.Check().Healthy, Is.True, "rows delivered is progress");

        metrics.SetState(PipelineState.Stopping);
        Assert.That(health.Check().Reason, Does.StartWith("stopping"));
        metrics.Fail("boom");
        Assert.That(health.Check().Reason, Does.Contain("boom"));
    }

    [Test]
    public async Task RateBudgetHold_IsInMetrics_HoldsByReason_WaitsAndQueued()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var budget = new RxFactorio.Wandb.RateBudget(time, new RxFactorio.Wandb.RetryWaitCutoff(time), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromMinutes(5));
        using (var first = await budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            using var refused = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            refused.Headers.TryAddWithoutValidation("Retry-After", "10");
            first.Observe(refused);
        }
        var waiting = budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();

        var parsed = Prometheus.Parse(PrometheusText.Format(metrics.Snapshot()));

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Value("rxfactorio_ratebudget_holds_total{reason=\"retry-after\"}"), Is.EqualTo(1));
            Assert.That(parsed.Value("rxfactorio_ratebudget_waits_total"), Is.EqualTo(1));
            Assert.That(parsed.Value("rxfactorio_ratebudget_queued"), Is.EqualTo(1));
        });
        time.Advance(TimeSpan.FromSeconds(10));
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.That(Prometheus.Parse(PrometheusText.Format(metrics.Snapshot())).Value("rxfactorio_ratebudget_queued"), Is.Zero);
    }

    [Test]
    public void KeysDroppedForALimit_AreInMetrics_ByTheLimitsSetting()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        RxFactorioMeter.KeysDropped.Add(3, new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, "a.jsonl"), new KeyValuePair<string, object?>("limit", "runs:maxKeysPerRow"));
        RxFactorioMeter.KeysDropped.Add(2, new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, "b.jsonl"), new KeyValuePair<string, object?>("limit", "runs:maxKeysPerRow"));
        RxFactorioMeter.KeysDropped.Add(5, new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, "a.jsonl"), new KeyValuePair<string, object?>("limit", "runs:maxKeysPerRun"));

        var parsed = Prometheus.Parse(PrometheusText.Format(metrics.Snapshot()));

        Assert.That(parsed.Value("rxfactorio_keys_dropped_total{limit=\"runs:maxKeysPerRow\"}"), Is.EqualTo(5));
        Assert.That(parsed.Value("rxfactorio_keys_dropped_total{limit=\"runs:maxKeysPerRun\"}"), Is.EqualTo(5));
    }

    [Test]
    public void Run_WaitingAndOpenSourcesAreHealthy_AClosedOrFailedOneIsUnhealthyAndNamed()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var health = new HealthCheck(metrics, new FakeTimeProvider()) { SourcesStayOpen = true };
        var pipe = metrics.Sources.Track("/srv/events.pipe");
        var file = metrics.Sources.Track("/srv/events.jsonl");
        metrics.SetState(PipelineState.Running);

        var waiting = health.Check();
        Assert.That(waiting.Healthy, Is.True, "a file the game has not created yet is normal");
        Assert.That(waiting.Sources!.Select(s => (s.Source, s.StateName)), Is.EqualTo(new[] { ("/srv/events.pipe", "waiting"), ("/srv/events.jsonl", "waiting") }));

        pipe(SourceState.Open);
        file(SourceState.Open);
        Assert.That(health.Check().Healthy, Is.True);

        pipe(SourceState.Closed);
        var closed = health.Check();
        Assert.That(closed.Healthy, Is.False);
        Assert.That(closed.Reason, Is.EqualTo("source /srv/events.pipe is closed"));

        pipe(SourceState.Open);
        file(SourceState.Failed);
        Assert.That(health.Check().Reason, Is.EqualTo("source /srv/events.jsonl failed"));

        metrics.SetState(PipelineState.Stopping);
        Assert.That(health.Check().Reason, Does.StartWith("stopping"), "while stopping, the state is the reason");
    }

    [Test]
    public void Replay_AFinishedRecordingIsHealthy_AndListed()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var health = new HealthCheck(metrics, new FakeTimeProvider());
        using var recording = new System.Reactive.Subjects.Subject<int>();
        using var subscription = metrics.Sources.Follow("a.jsonl", recording).Subscribe();
        metrics.Sources.Follow("b.jsonl", recording);
        metrics.SetState(PipelineState.Running);
        Assert.That(health.Check().Sources!.Select(s => s.StateName), Is.EqualTo(new[] { "open", "waiting" }), "open once subscribed, waiting until then");
        Assert.That(metrics.Snapshot().SourcesOpen, Is.EquivalentTo(new Dictionary<string, long> { ["a.jsonl"] = 1 }), "the meter's rxfactorio.sources.open, as /metrics shows it");

        recording.OnCompleted();
        var report = health.Check();

        Assert.That(report.Healthy, Is.True);
        Assert.That(report.Sources!.Select(s => (s.Source, s.StateName)), Is.EqualTo(new[] { ("a.jsonl", "closed"), ("b.jsonl", "waiting") }));
        Assert.That(metrics.Snapshot().SourcesOpen, Is.EquivalentTo(new Dictionary<string, long> { ["a.jsonl"] = 0 }));
    }

    [Test]
    public void HealthJson_ListsTheSources()
    {
        var json = MonitoringServer.HealthJson(new HealthReport(true, "ok", null, 0, 0, 1, [new SourceStatus("/srv/events.pipe", SourceState.Open), new SourceStatus("b\"c", SourceState.Waiting)]));

        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        var sources = parsed.RootElement.GetProperty("sources").EnumerateArray().Select(s => (s.GetProperty("source").GetString(), s.GetProperty("state").GetString()));
        Assert.That(sources, Is.EqualTo(new[] { ("/srv/events.pipe", "open"), ("b\"c", "waiting") }));
    }

    [Test]
    public void HealthJson_CarriesStatusAndReason()
    {
        var json = MonitoringServer.HealthJson(new HealthReport(false, "unhealthy", "stopping", 2, 1, 3.5));

        Assert.That(json, Does.Contain("\"status\":\"unhealthy\"").And.Contain("\"reason\":\"stopping\"").And.Contain("\"rowsPending\":2"));
    }
}

public sealed class MonitoringServerTests
{
    private MeterTotals _meter = null!;

    [SetUp]
    public void StartListening() => _meter = new MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    [TestCase("http://127.0.0.1:9464", false, "http://127.0.0.1:9464/")]
    [TestCase("http://localhost:9464", false, "http://localhost:9464/")]
    [TestCase("http://[::1]:9464", false, "http://[::1]:9464/")]
    [TestCase("http://0.0.0.0:9464", true, "http://+:9464/")]
    [TestCase("http://192.0.2.10:9464", true, "http://192.0.2.10:9464/")]
    public void Prefix_AcceptsLoopback_AndRemoteOnlyWhenAllowed(string url, bool allowRemote, string expected) =>
        Assert.That(MonitoringServer.Prefix(new Uri(url), allowRemote), Is.EqualTo(expected));

    [TestCase("http://0.0.0.0:9464")]
    [TestCase("http://192.0.2.10:9464")]
    [TestCase("http://127.0.0.1:9464/metrics")]
    public void Prefix_RefusesNonLoopbackOrAPath(string url) =>
        Assert.Throws<SettingsError>(() => MonitoringServer.Prefix(new Uri(url), allowRemote: false));

    [Test]
    public void Start_OnAPortInUse_IsASettingsErrorNamingTheUrl()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        using var taken = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen(1);
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)taken.LocalEndPoint!).Port}");

        var error = Assert.Throws<SettingsError>(() => MonitoringServer.Start(url, false, metrics, new HealthCheck(metrics, TimeProvider.System), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        Assert.That(error!.Message, Does.StartWith($"--health-url {url.GetLeftPart(UriPartial.Authority)}: cannot listen:"));
    }

    [Test]
    public async Task Endpoints_OverRealHttp()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var port = Prometheus.FreePort();
        await using var server = MonitoringServer.Start(new Uri($"http://127.0.0.1:{port}"), false, metrics, new HealthCheck(metrics, TimeProvider.System), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        using var starting = await http.GetAsync("/healthz");
        metrics.SetState(PipelineState.Running);
        using var running = await http.GetAsync("/healthz");
        using var scrape = await http.GetAsync("/metrics");
        using var missing = await http.GetAsync("/other");

        Assert.That(starting.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await starting.Content.ReadAsStringAsync(), Does.Contain("\"reason\":\"starting\""));
        Assert.That(running.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(running.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await running.Content.ReadAsStringAsync(), Does.StartWith("{\"status\":\"ok\""));
        Assert.That(scrape.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        Assert.That(Prometheus.Parse(await scrape.Content.ReadAsStringAsync()).Value("rxfactorio_up"), Is.EqualTo(1));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Post_IsRefusedWith405AndAnAllowHeader_OverRealHttp()
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var port = Prometheus.FreePort();
        await using var server = MonitoringServer.Start(new Uri($"http://127.0.0.1:{port}"), false, metrics, new HealthCheck(metrics, TimeProvider.System), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        using var posted = await http.PostAsync("/healthz", new StringContent("{}"));

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(posted.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
    }
}

public sealed class MonitoringServerStartTests
{
    private MeterTotals _meter = null!;

    [SetUp]
    public void StartListening() => _meter = new MeterTotals();

    [TearDown]
    public void StopListening() => _meter.Dispose();

    private static readonly Microsoft.Extensions.Logging.ILogger Quiet = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>
    /// A probe that keeps connecting while the server starts and stops (an orchestrator, a readiness
    /// loop, a test polling /healthz): HttpListener's managed implementation accepted a connection
    /// already waiting before it was set up and threw ArgumentNullException from Start() (and from
    /// Close() after Stop(), which binds the port again), leaving the port bound.
    /// </summary>
    [Test]
    public async Task StartAndDispose_WhileAProbeKeepsConnecting_NeverFails()
    {
        var port = PortOutsideTheEphemeralRange();
        var url = new Uri($"http://127.0.0.1:{port}");
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        using var probing = new CancellationTokenSource();
        var probes = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            while (!probing.IsCancellationRequested)
            {
                try
                {
                    using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    probe.Connect(IPAddress.Loopback, port);
                }
                catch (System.Net.Sockets.SocketException)
                {
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var server = MonitoringServer.Start(url, false, metrics, new HealthCheck(metrics, TimeProvider.System), Quiet);
                await server.DisposeAsync();
            }
        }
        finally
        {
            await probing.CancelAsync();
            await Task.WhenAll(probes);
        }
    }

    /// <summary>The exact case HttpListener got wrong: a request already waiting in the backlog when accepting starts.</summary>
    [Test]
    public async Task ARequestWaitingBeforeTheServerAccepts_IsAnswered()
    {
        var listening = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.Listen(8);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(listening.LocalEndPoint!);
        await client.SendAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);

        await using var server = new MonitoringServer(listening, anyHost: false, metrics, new HealthCheck(metrics, TimeProvider.System), Quiet);
        var answer = await ReadToEndAsync(client);

        Assert.That(answer, Does.StartWith("HTTP/1.1 503 Service Unavailable\r\n").And.Contain("\"reason\":\"starting\""));
    }

    [TestCase("HEAD /metrics HTTP/1.1\r\nHost: localhost:9464\r\n\r\n", "HTTP/1.1 200 OK\r\n", "text/plain; version=0.0.4", false)]
    [TestCase("POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello", "HTTP/1.1 405 Method Not Allowed\r\n", "Allow: GET, HEAD", true)]
    [TestCase("GET /healthz HTTP/1.1\r\nHost: attacker.example:9464\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n", "not a loopback name", true)]
    [TestCase("GET /metrics?x=1 HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\n", "rxfactorio_up 1", true)]
    [TestCase("nonsense\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n", "bad request", true)]
    public async Task Requests_OverARawSocket(string request, string statusLine, string contains, bool hasBody)
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var port = PortOutsideTheEphemeralRange();
        await using var server = MonitoringServer.Start(new Uri($"http://127.0.0.1:{port}"), false, metrics, new HealthCheck(metrics, TimeProvider.System), Quiet);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync(System.Text.Encoding.ASCII.GetBytes(request));

        var answer = await ReadToEndAsync(client);

        Assert.That(answer, Does.StartWith(statusLine).And.Contain(contains).And.Contain("Connection: close\r\n"));
        var body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.That(body, hasBody ? Is.Not.Empty : Is.Empty);
    }

    [TestCase(15 * 1024, "HTTP/1.1 200 OK\r\n")]
    [TestCase(17 * 1024, "HTTP/1.1 431 Request Header Fields Too Large\r\n")]
    public async Task ARequestHeadOver16KiB_Is431(int headerBytes, string statusLine)
    {
        var metrics = new PipelineMetrics(new DiagnosticCounts(), _meter);
        var port = PortOutsideTheEphemeralRange();
        await using var server = MonitoringServer.Start(new Uri($"http://127.0.0.1:{port}"), false, metrics, new HealthCheck(metrics, TimeProvider.System), Quiet);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: {new string('a', headerBytes)}\r\n\r\n"));

        var answer = await ReadToEndAsync(client);

        Assert.That(answer, Does.StartWith(statusLine).And.Contain("Connection: close\r\n"));
    }

    private static async Task<string> ReadToEndAsync(System.Net.Sockets.Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await client.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>A port to listen on that no outgoing connection gets as its own (Linux: 32768-60999), so the probe cannot take it by connecting to itself.</summary>
    private static int PortOutsideTheEphemeralRange()
    {
        for (var port = 20000 + Random.Shared.Next(2000); port < 32000; port++)
        {
            try
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port between 20000 and 32000");
    }
}

public sealed class DiagnosticLogTests
{
    private sealed class Capture : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    private static IngestDiagnostic Bad(long line) => new(DiagnosticReason.InvalidJson, "events.jsonl", line, "invalid JSON", "{x");

    [Test]
    public void LogsTheFirstTen_ThenOneSummaryPerMinute()
    {
        var time = new FakeTimeProvider();
        var logger = new Capture();
        var log = new DiagnosticLog(logger, time);

        for (var i = 1; i <= 50; i++)
        {
            log.OnNext(Bad(i));
        }
        Assert.That(logger.Lines, Has.Count.EqualTo(10));
        Assert.That(logger.Lines[0], Does.StartWith("events.jsonl:1: line not accepted: InvalidJson"));
        Assert.That(logger.Lines[9], Does.Contain("summarised once a minute"));

        log.FlushIfDue();
        Assert.That(logger.Lines, Has.Count.EqualTo(10), "no summary before a minute has passed");
        time.Advance(TimeSpan.FromMinutes(1));
        log.OnNext(Bad(51));
        Assert.That(logger.Lines, Has.Count.EqualTo(11));
        Assert.That(logger.Lines[10], Does.StartWith("41 more line(s) not accepted (InvalidJson 41)").And.Contain("events.jsonl:51"));

        log.OnNext(Bad(52));
        time.Advance(TimeSpan.FromMinutes(1));
        log.FlushIfDue();
        log.Flush();
        Assert.That(logger.Lines, Has.Count.EqualTo(12));
        Assert.That(logger.Lines[11], Does.StartWith("1 more line(s)"));
    }
}

public sealed class StatusLineTests
{
    private static readonly MetricsSnapshot Snapshot = new()
    {
        Events = new Dictionary<string, long> { ["stats"] = 100 },
        Rejected = new Dictionary<string, long> { ["InvalidJson"] = 2, ["MissingField"] = 1 },
        RowsSent = 12345,
        RowsPending = 20,
        HttpRetries = 4,
        ActiveRuns = 2,
        BytesRead = 512 * 1024,
    };

    [Test]
    public void Format_ShowsRatesRunsRowsRetriesAndRejected() =>
        Assert.That(StatusLine.Format(Snapshot, 12.04), Is.EqualTo("12.0 ev/s · runs 2 · rows 12,345 sent, 20 pending · retries 4 · rejected 3"));

    [Test]
    public void Progress_ShowsBarBytesTimeLeftAndRate() =>
        Assert.That(StatusLine.Progress(Snapshot, 1024 * 1024, 300, bytesPerSecond: 1024, columns: 120),
            Is.EqualTo("[##########----------]  50%  512.0 KB / 1.0 MB · 8:32 left · 300.0 ev/s · rows 12,345 sent"));

    [Test]
    public void Progress_UnknownRate_HasNoTimeLeft() =>
        Assert.That(StatusLine.Progress(Snapshot with { BytesRead = 0 }, 2048, 0, 0, columns: 80),
            Is.EqualTo("[---------------]   0%  0 B / 2.0 KB · --:-- left · 0.0 ev/s · rows 12,345 sent"));

    [TestCase(80)]
    [TestCase(60)]
    [TestCase(40)]
    public void Progress_StaysShorterThanTheTerminal_BarFirstThenTheEnd(int columns)
    {
        var line = StatusLine.Progress(Snapshot, 1024 * 1024, 300, bytesPerSecond: 1024, columns);
        Assert.That(line, Has.Length.EqualTo(columns - 1));
        Assert.That(line, Does.StartWith("[#####-----]  50%  512.0 KB"));
        Assert.That(line, Does.EndWith("…"));
    }

    [Test]
    public void Fit_KeepsAShortLine_CutsALongOneToOneLessThanTheWidth()
    {
        Assert.That(StatusLine.Fit("12.0 ev/s", 80), Is.EqualTo("12.0 ev/s"));
        Assert.That(StatusLine.Fit(new string('x', 79), 80), Is.EqualTo(new string('x', 79)));
        Assert.That(StatusLine.Fit(new string('x', 80), 80), Is.EqualTo(new string('x', 78) + "…"));
    }

    [TestCase(0, 80)]
    [TestCase(-1, 80)]
    [TestCase(132, 132)]
    public void ConsoleStatus_Columns_UnknownWidthIs80(int reported, int expected) =>
        Assert.That(new ConsoleStatus(TextWriter.Null, () => reported).Columns(), Is.EqualTo(expected));

    [Test]
    public void ConsoleStatus_ErasesBeforeLogLines_OnlyWithATerminal()
    {
        Assert.That(new ConsoleStatus(TextWriter.Null).LinePrefix, Is.EqualTo("\r\u001b[2K"));
        Assert.That(new ConsoleStatus(terminal: null).LinePrefix, Is.Empty);
    }

    [TestCase(0, "0:00")]
    [TestCase(59, "0:59")]
    [TestCase(3599, "59:59")]
    [TestCase(3661, "1:01:01")]
    public void TimeLeft(int seconds, string expected) => Assert.That(StatusLine.TimeLeft(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
}
