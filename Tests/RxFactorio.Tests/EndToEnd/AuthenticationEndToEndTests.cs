using System.Text;
using RxFactorio.FakeWandb.State;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>A wrong API key stops the pipeline with a message that says where, and the key leaks nowhere.</summary>
public sealed class AuthenticationEndToEndTests
{
    /// <summary>Well-formed (40+ characters of [\w-]) but not a key the server knows.</summary>
    private const string WrongKey = "wrong-e2e-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    [Test]
    public async Task WrongApiKey_FailsThePipelineWithAuthenticationError_NamingHostEntityProject_WithoutTheKey()
    {
        await using var e2e = await EndToEndHarness.StartAsync(
            o => o with { Entity = "factorio-team", Project = "megabase" }, apiKey: WrongKey, captureServerLogs: true);
        var host = $"{e2e.Server.BaseUrl.Host}:{e2e.Server.BaseUrl.Port}";

        var failure = Assert.ThrowsAsync<WandbAuthenticationException>(async () => await e2e.ReplayAsync(Game.Session("freeplay_216000", 1800, 5)));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + WrongKey));
        var secrets = new[] { WrongKey, basic };
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain(host).And.Contain("'factorio-team'").And.Contain("'megabase'").And.Contain("rejected the API key"));
            Assert.That((failure.Host, failure.Entity, failure.Project, (int?)failure.StatusCode), Is.EqualTo((host, "factorio-team", "megabase", (int?)401)));

            // Where the key could leak: the exception, the client's logs, the server's request log and logs.
            Assert.That(failure.ToString(), Does.Not.Contain(WrongKey).And.Not.Contain(basic));
            var clientLogs = e2e.ClientLogs.Entries;
            Assert.That(clientLogs, Has.Some.Matches<CapturingLoggerFactory.LogEntry>(e => e.Message.Contains(host, StringComparison.Ordinal)),
                "the client logged the refusal");
            foreach (var secret in secrets)
            {
                Assert.That(clientLogs.Where(e => e.AllText.Contains(secret, StringComparison.Ordinal)), Is.Empty, "client log");
                Assert.That(e2e.Server.State.Requests.Where(r => r.ToString().Contains(secret, StringComparison.Ordinal)), Is.Empty, "server request log");
                Assert.That(e2e.ServerLogs.Entries.Where(e => e.AllText.Contains(secret, StringComparison.Ordinal)), Is.Empty, "server log");
            }
            Assert.That(e2e.ServerLogs.Entries, Is.Not.Empty, "the server's logs were captured");

            // 401 is final: one attempt, nothing created, nothing streamed.
            Assert.That(e2e.Server.State.Requests.Select(r => (r.Kind, r.StatusCode)), Is.EqualTo(new[] { (RequestKind.Graphql, 401) }));
            Assert.That(e2e.Server.State.Counters.Unauthorized, Is.EqualTo(1));
            Assert.That(e2e.Server.State.Runs, Is.Empty);
            Assert.That(e2e.Meter.Total("rxfactorio.http.retries"), Is.Zero);
        });
    }
}
