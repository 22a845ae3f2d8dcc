using System.Net;
using System.Text.Json;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Monitoring;

/// <summary><c>rxfactorio run</c> as a child process: each source's state in <c>/healthz</c> and <c>/metrics</c> over real HTTP.</summary>
public sealed class SourceHealthTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-health-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Run_MissingTailedFile_IsWaitingAndHealthy_ThenOpenOnceCreated()
    {
        var source = Path.Combine(_dir, "events.jsonl");
        var url = $"http://127.0.0.1:{Prometheus.FreePort()}";
        var gauge = $"rxfactorio_source_open{{source=\"{source}\"}}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var run = CliProcess.Start(["run", "--source", source, "--mode", "disabled", "--health-url", url], new Dictionary<string, string?> { ["WANDB_DIR"] = _dir }, _dir);

        // NOTE: /metrics lists a source from its first state on the meter, a moment after /healthz (the host's list) names it.
        await run.WaitUntilAsync(() => State(Get(http, url + "/healthz"), source) == "waiting" && Prometheus.Parse(Get(http, url + "/metrics").Body).Samples.ContainsKey(gauge),
            "/healthz and /metrics to list the missing file as waiting");
        var waiting = Get(http, url + "/healthz");
        Assert.That(waiting.StatusCode, Is.EqualTo(HttpStatusCode.OK), waiting.Body);
        Assert.That(Prometheus.Parse(Get(http, url + "/metrics").Body).Samples[gauge], Is.Zero);

        await File.WriteAllTextAsync(source, "");
        await run.WaitUntilAsync(() => State(Get(http, url + "/healthz"), source) == "open", "/healthz to list the created file as open");
        var open = Get(http, url + "/healthz");
        var metrics = Prometheus.Parse(Get(http, url + "/metrics").Body);

        Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK), open.Body);
        Assert.That(metrics.Samples[gauge], Is.EqualTo(1));
        Assert.That(metrics.Types["rxfactorio_source_open"], Is.EqualTo("gauge"));

        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    /// <summary>The state /healthz gives <paramref name="source"/>, or null when it does not answer or list it.</summary>
    private static string? State((HttpStatusCode StatusCode, string Body) health, string source)
    {
        if (health.StatusCode == 0)
        {
            return null;
        }
        using var json = JsonDocument.Parse(health.Body);
        return json.RootElement.TryGetProperty("sources", out var sources)
            ? sources.EnumerateArray().Where(s => s.GetProperty("source").GetString() == source).Select(s => s.GetProperty("state").GetString()).FirstOrDefault()
            : null;
    }

    private static (HttpStatusCode StatusCode, string Body) Get(HttpClient http, string url)
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
