using System.Net;
using RxFactorio.Cli;
using RxFactorio.Cli.Hosting;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Commands;

/// <summary><c>rxfactorio run</c>: a tailed file, /healthz and /metrics over real HTTP, SIGTERM, exit codes, --print-config.</summary>
public sealed class RunCommandTests() : FakeWandbCliTest("rxf-run-")
{
    private static readonly string[] FirstLines = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(21).ToArray();

    [Test]
    public async Task Run_TailedFile_ServesHealthAndMetrics_ThenSigtermFinishesTheRun()
    {
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllLinesAsync(source, [.. FirstLines, "{not json", "{\"type\":\"stats\"}"]);
        var port = Prometheus.FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var run = CliProcess.Start(["run", "--source", source, "--health-url", url, "--batch-window", "200ms"], Online(), Dir);

        await run.WaitUntilAsync(() => TryGet(http, url + "/healthz").StatusCode == HttpStatusCode.OK, "/healthz to answer 200");
        Prometheus.Exposition metrics = null!;
        await run.WaitUntilAsync(() =>
        {
            metrics = Prometheus.Parse(TryGet(http, url + "/metrics").Body);
            // NOTE: the last cycle's row is assembled when the next cycle (or the end) arrives.
            return metrics.Value("rxfactorio_rows_sent_total") >= 18 && metrics.Value("rxfactorio_rows_pending") == 0 && metrics.Sum("rxfactorio_rejected_lines_total") >= 2
                && metrics.Value("rxfactorio_rows_total") == metrics.Value("rxfactorio_rows_sent_total");
        }, "every row sent and the bad lines counted");
        var health = TryGet(http, url + "/healthz");

        Assert.That(health.Body, Does.Contain("\"status\":\"ok\""));
        Assert.That(metrics.Value("rxfactorio_events_total{type=\"stats\"}"), Is.EqualTo(19));
        Assert.That(metrics.Value("rxfactorio_events_total{type=\"game\"}"), Is.EqualTo(1));
        Assert.That(metrics.Value("rxfactorio_events_total{type=\"session_init\"}"), Is.EqualTo(1));
        Assert.That(metrics.Value("rxfactorio_active_runs"), Is.EqualTo(1));
        Assert.That(metrics.Value("rxfactorio_http_requests_total"), Is.GreaterThan(0));
        // The RxFactorio meter's counts, as a MeterListener in-process sees them (RxFactorioMeterTests).
        Assert.That(metrics.Value("rxfactorio_lines_total"), Is.EqualTo(23), "21 recorded lines and the two bad ones");
        Assert.That(metrics.Value("rxfactorio_rejected_lines_total{reason=\"InvalidJson\"}"), Is.EqualTo(1));
        Assert.That(metrics.Value("rxfactorio_rejected_lines_total{reason=\"MissingField\"}"), Is.EqualTo(1));
        Assert.That(metrics.Value("rxfactorio_rows_total"), Is.InRange(18, 19), "one row per cycle (the last one may still be assembling)");
        Assert.That(metrics.Value("rxfactorio_batches_total"), Is.GreaterThan(0));
        string[] families = ["rxfactorio_events_total", "rxfactorio_rejected_lines_total", "rxfactorio_rows_sent_total", "rxfactorio_http_requests_total",
            "rxfactorio_http_retries_total", "rxfactorio_active_runs", "rxfactorio_rows_pending", "rxfactorio_bytes_pending", "rxfactorio_runlog_bytes"];
        Assert.That(families, Is.SubsetOf(metrics.Types.Keys).And.SubsetOf(metrics.Help.Keys));
        Assert.That(metrics.Types["rxfactorio_events_total"], Is.EqualTo("counter"));
        Assert.That(metrics.Types["rxfactorio_rows_pending"], Is.EqualTo("gauge"));
        Assert.That(TryGet(http, url + "/nothing").StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Server.State.Runs.Select(r => (r.Complete, r.ExitCode, r.HistoryRows().Count)), Is.EqualTo(new[] { (true, (int?)0, 19) }));
        Assert.That(result.Error, Does.Contain("line not accepted").And.Contain(source + ":22"));
        Assert.That(result.Error, Does.Contain("Run started: freeplay_216000"));
        // NOTE: online rows go through the run log, so the entity (and the URL) is known once W&B answered: in the summary.
        Assert.That(result.Output, Does.Contain($"/{FakeWandbOptions.DefaultEntityName}/factorio-experiments/runs/"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(Server.ApiKey));
    }

    /// <summary>
    /// A run stopped in the W&amp;B UI: what comes later is not sent, and both <c>/metrics</c> and the
    /// end report (read from the meter) say how many rows that was; exit 1.
    /// </summary>
    [Test]
    public async Task Run_StoppedInTheWandbUi_LaterRowsAreReportedAsNotDelivered_ExitsOne()
    {
        var lines = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(61).ToArray();
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllLinesAsync(source, lines[..21]);
        var url = $"http://127.0.0.1:{Prometheus.FreePort()}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var run = CliProcess.Start(["run", "--source", source, "--health-url", url, "--batch-window", "200ms"], Online(), Dir);

        await run.WaitUntilAsync(() => Server.State.Runs is [var first] && first.HistoryRows().Count >= 18, "the first rows delivered");
        Server.MarkStopped(Server.State.Runs.Single().Key);
        await File.AppendAllLinesAsync(source, lines[21..41]);
        await run.WaitUntilAsync(() => run.Error.Contains("was stopped in the W&B UI", StringComparison.Ordinal), "the stop to be seen");
        await File.AppendAllLinesAsync(source, lines[41..]);
        double dropped = 0;
        await run.WaitUntilAsync(() => (dropped = Prometheus.Parse(TryGet(http, url + "/metrics").Body).Value("rxfactorio_rows_dropped_total")) > 0,
            "/metrics to count the rows not sent");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        var reported = System.Text.RegularExpressions.Regex.Match(result.Output, @"not delivered: (\d+) row\(s\) dropped, 0 batch\(es\) skipped");
        Assert.That(reported.Success, Is.True, result.Output);
        Assert.That(long.Parse(reported.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(dropped), "the rows still assembling at the end are dropped too");
    }

    [Test]
    public async Task Run_Stdin_EndsWhenStdinCloses_ExitsZero()
    {
        var result = await CliProcess.RunAsync(["run", "--source", "-", "--log-format", "json"], Online());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("0 run(s), 0 row(s), mode online"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(Server.ApiKey));
    }

    [Test]
    public async Task Run_SourceIsAFolder_ReadsItsJsonlFiles()
    {
        var folder = Path.Combine(Dir, "script-output");
        Directory.CreateDirectory(folder);
        await File.WriteAllLinesAsync(Path.Combine(folder, "server7.jsonl"), FirstLines);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not telemetry\n");
        await using var run = CliProcess.Start(["run", "--source", folder, "--batch-window", "100ms"], Online(), Dir);
        await run.WaitUntilAsync(() => Server.State.Runs.Count == 1 && Server.State.Runs[0].LineCount(FakeFileNames.History) > 0, "the folder's file as a run");
        await run.SignalAsync("TERM");
        var result = await run.WaitAsync();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(Server.State.Runs.Single().Config["source"]!.GetValue<string>(), Is.EqualTo("server7"));
        Assert.That(result.Error, Does.Not.Contain("notes.txt"), "only *.jsonl files and FIFOs of a folder are read");
        Assert.That(result.Output + result.Error, Does.Not.Contain(Server.ApiKey));
    }

    [Test]
    public async Task Run_WrongKey_ExitsTwo()
    {
        const string wrongKey = "wrong-key-1111111111111111111111111111111111";
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllLinesAsync(source, FirstLines);
        var environment = Online();
        environment["WANDB_API_KEY"] = wrongKey;

        var result = await CliProcess.RunAsync(["run", "--source", source], environment);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("rejected the API key"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(wrongKey));
    }

    [TestCase("--health-url", "http://192.0.2.10:9464", "not a loopback address")]
    [TestCase("--health-url", "https://127.0.0.1:9464", "must be http://")]
    [TestCase("--shutdown-timeout", "soon", "runs:shutdownTimeout")]
    [TestCase("--shutdown-timeout", "0", "runs:shutdownTimeout")]
    public async Task Run_BadMonitoringOrShutdownSetting_ExitsTwo(string flag, string value, string expected)
    {
        var result = await InProcess(["run", "--mode", "disabled", "--source", "-", flag, value], Online());

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain(expected));
    }

    [Test]
    public async Task PrintConfig_ShowsEveryLayer_AndNeverTheKey()
    {
        await File.WriteAllTextAsync(Path.Combine(Dir, "rxfactorio.json"), """{ "wandb": { "project": "from-file", "tags": "a,b" }, "runs": { "shutdownTimeout": "45s" } }""");
        var environment = Online();
        environment["WANDB_ENTITY"] = "from-env";
        environment["RXFACTORIO_RUNS__IDLETIMEOUT"] = "5m";

        var result = await InProcess(["run", "--print-config", "--batch-window", "2s", "--source", "game.pipe"], environment);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Line(result.Output, "wandb:project"), Does.Contain("from-file").And.Contain("rxfactorio.json"));
        Assert.That(Line(result.Output, "wandb:entity"), Does.Contain("from-env").And.Contain("(from environment (WANDB_*))"));
        Assert.That(Line(result.Output, "runs:idleTimeout"), Does.Contain("5m").And.Contain("RXFACTORIO_*"));
        Assert.That(Line(result.Output, "runs:batchWindow"), Does.Contain("2s").And.Contain("(from command-line flags)"));
        Assert.That(Line(result.Output, "runs:shutdownTimeout"), Does.Contain("45s").And.Contain("rxfactorio.json"));
        Assert.That(Line(result.Output, "runs:zeroFill"), Does.Contain("true").And.Contain("(default)"));
        Assert.That(Line(result.Output, "wandb:apiKey"), Does.Contain("(set, from environment variable WANDB_API_KEY)"));
        Assert.That(Line(result.Output, "sources"), Does.Contain("game.pipe").And.Contain("command-line flags"));
        Assert.That(result.Output + result.Error, Does.Not.Contain(Server.ApiKey));
    }

    private static string Line(string output, string key) =>
        output.Split('\n').SingleOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal)) ?? $"(no line for {key} in:\n{output})";

    private async Task<CliProcess.Result> InProcess(string[] args, Dictionary<string, string?> variables)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, variables.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!), Dir);
        var code = await CliApp.RunAsync(args, environment);
        return new CliProcess.Result(code, output.ToString(), error.ToString());
    }

    private static (HttpStatusCode StatusCode, string Body) TryGet(HttpClient http, string url)
    {
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }
}
