using System.Net;
using System.Net.Sockets;
using RxFactorio.FakeWandb;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>
/// <c>rxfactorio run</c> checks the key at start (one Viewer query): a refused key ends a run whose
/// source is quiet at once with exit 2, and an unreachable server at start is not fatal.
/// </summary>
public sealed class KeyCheckTests() : FakeWandbCliTest("rxf-key-")
{
    [Test]
    public async Task WrongKey_QuietSource_ExitsTwoByItself()
    {
        const string wrongKey = "wrong-key-2222222222222222222222222222222222";
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllTextAsync(source, "");

        // NOTE: no signal is sent: before the check, this ran (healthy) until SIGTERM.
        var result = await CliProcess.RunAsync(
            ["run", "--source", source, "--health-url", $"http://127.0.0.1:{Prometheus.FreePort()}"],
            Online(Server.BaseUrl.ToString().TrimEnd('/'), wrongKey), TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("rejected the API key (HTTP 401) for Viewer"));
        Assert.That(Server.State.Counters.Unauthorized, Is.EqualTo(1), "one GraphQL call checked the key");
        Assert.That(result.Output + result.Error, Does.Not.Contain(wrongKey));
    }

    [Test]
    public async Task ServerUnreachableAtStart_KeepsRunningAndHealthy()
    {
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllTextAsync(source, "");
        var url = $"http://127.0.0.1:{Prometheus.FreePort()}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var run = CliProcess.Start(["run", "--source", source, "--health-url", url],
            Online($"http://127.0.0.1:{ClosedPort()}", Server.ApiKey), Dir);

        await run.WaitUntilAsync(() => run.Error.Contains("W&B Viewer request (POST /graphql) failed", StringComparison.Ordinal), "the key check to meet the outage");
        await run.WaitUntilAsync(() => Healthz(http, url).StatusCode == HttpStatusCode.OK, "/healthz to answer 200");
        Assert.That(run.HasExited, Is.False);

        await run.SignalAsync("TERM");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Does.Not.Contain("rejected the API key"));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (HttpStatusCode StatusCode, string Body) Healthz(HttpClient http, string url)
    {
        try
        {
            using var response = http.GetAsync(url + "/healthz").GetAwaiter().GetResult();
            return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }
}
