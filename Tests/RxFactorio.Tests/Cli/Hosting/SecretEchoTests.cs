using System.Text;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>
/// A server that echoes the credentials in its error text (401/403/400 bodies, GraphQL errors):
/// the real <c>rxfactorio</c> never prints the key, its Basic form or their URL-encoded forms,
/// on stdout, stderr or in any file it writes.
/// </summary>
public sealed class SecretEchoTests
{
    // NOTE: '~' and '?' make '+' and '/' in the base64 of "api:KEY", so the URL-encoded forms differ from the plain ones.
    private const string Key = "redact-me-0123456789abcdef~?~?~?~?~?~?~?";

    private FakeWandbServer _server = null!;
    private string _dir = "";

    [SetUp]
    public async Task SetUp()
    {
        _server = await FakeWandbServer.StartAsync(new FakeWandbOptions { ApiKeys = new Dictionary<string, string> { [Key] = "redactor" } });
        _dir = Directory.CreateTempSubdirectory("rxf-echo-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Every spelling of the secret a server could echo.</summary>
    private static IEnumerable<string> SecretForms()
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + Key));
        foreach (var form in new[] { Key, basic, basic.TrimEnd('='), "Basic " + basic })
        {
            yield return form;
            yield return Uri.EscapeDataString(form);
            yield return System.Net.WebUtility.UrlEncode(form);
        }
    }

    [TestCase(FaultScope.Graphql, 401)]
    [TestCase(FaultScope.Graphql, 403)]
    [TestCase(FaultScope.Graphql, 400)]
    [TestCase(FaultScope.Graphql, 200)]
    [TestCase(FaultScope.FileStream, 400)]
    [TestCase(FaultScope.FileStream, 401)]
    public async Task ServerEchoesTheCredentials_TheKeyIsInNoOutputAndNoFile(FaultScope scope, int status)
    {
        _server.Faults.EchoCredentialsNext(scope, status, count: 3);

        var result = await CliProcess.RunAsync(
            ["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl")],
            new Dictionary<string, string?>
            {
                ["WANDB_BASE_URL"] = _server.BaseUrl.ToString().TrimEnd('/'),
                ["WANDB_API_KEY"] = Key,
                ["WANDB_MODE"] = null,
                ["WANDB_PROJECT"] = null,
                ["WANDB_ENTITY"] = null,
                ["WANDB_DIR"] = _dir,
                ["NETRC"] = "/nonexistent/netrc",
            },
            TimeSpan.FromSeconds(60));

        var everything = result.Output + result.Error;
        Assert.That(_server.State.Counters.FaultsInjected, Is.GreaterThan(0), "the server echoed the credentials at least once");
        Assert.That(everything, Does.Contain("invalid credentials. Request headers: Authorization: Basic [redacted];"), "the server's text is shown, without the secret");
        foreach (var form in SecretForms())
        {
            Assert.That(everything, Does.Not.Contain(form).IgnoreCase, $"output holds {form}");
            foreach (var file in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
            {
                Assert.That(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), Does.Not.Contain(form).IgnoreCase, $"{file} holds {form}");
            }
        }
    }
}
