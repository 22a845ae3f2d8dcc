using System.Text;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class WandbAuthHandlerTests
{
    [TestCase("https://wandb.test/graphql", true)]
    [TestCase("https://WANDB.test/files/e/p/r/file_stream", true)]
    [TestCase("https://other.test/graphql", false)]
    [TestCase("http://wandb.test/graphql", false)]
    [TestCase("https://wandb.test:8443/graphql", false)]
    [TestCase("https://storage.example/upload?sig=1", false)]
    public async Task Authorization_OnlyForTheBaseSchemeHostAndPort(string url, bool expected)
    {
        var fake = new FakeWandbHandler();
        using var client = new HttpClient(new WandbAuthHandler(new Uri("https://wandb.test"), new WandbCredentials(WandbTestKit.ApiKey), "RxFactorio-test") { InnerHandler = fake });

        using var _ = await client.PostAsync(url, new StringContent("{}"));

        var request = fake.Requests.Single();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + WandbTestKit.ApiKey));
        Assert.That(request.Authorization, expected ? Is.EqualTo(basic) : Is.Null);
        Assert.That(request.UserAgent, Is.EqualTo("RxFactorio-test"));
    }

    [Test]
    public void PathPrefix_IsRespected()
    {
        var baseUrl = new Uri("https://host.test/wandb");
        Assert.That(WandbAuthHandler.IsUnderBaseUrl(baseUrl, new Uri("https://host.test/wandb/graphql")), Is.True);
        Assert.That(WandbAuthHandler.IsUnderBaseUrl(baseUrl, new Uri("https://host.test/wandbx/graphql")), Is.False);
        Assert.That(WandbAuthHandler.IsUnderBaseUrl(baseUrl, new Uri("https://host.test/graphql")), Is.False);
    }
}
