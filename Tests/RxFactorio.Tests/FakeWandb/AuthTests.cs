using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RxFactorio.FakeWandb;

namespace RxFactorio.Tests.FakeWandb;

public sealed class AuthTests : FakeWandbTestBase
{
    [Test]
    public void TestApiKey_Has40Characters_AsTheSdkFormatCheckRequires() =>
        Assert.That(FakeWandbOptions.TestApiKey, Has.Length.EqualTo(40).And.Match(@"^[\w-]+$"));

    [Test]
    public async Task Graphql_WithoutAuthorization_Returns401WithPermissionError()
    {
        using var anonymous = Server.CreateClient(apiKey: "");
        using var response = await PostGraphqlAsync(anonymous, "UpsertBucket", UpsertQuery, UpsertVars("run1"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var body = await ReadJsonAsync(response);
        Assert.That(body!["errors"]![0]!["message"]!.GetValue<string>(), Is.EqualTo("user is not logged in"));
        Assert.That(body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>(), Is.EqualTo("PERMISSION_ERROR"));
        Assert.That(body["data"]!["upsertBucket"], Is.Null);
        Assert.That(Server.State.Runs, Is.Empty);
    }

    [Test]
    public async Task Graphql_WithWrongKey_Returns401()
    {
        using var wrong = Server.CreateClient(apiKey: new string('x', 40));
        using var response = await PostGraphqlAsync(wrong, "Viewer", "query Viewer { viewer { id entity } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Server.State.Counters.Unauthorized, Is.EqualTo(1));
    }

    [Test]
    public async Task Graphql_WithRightKeyButUserOtherThanApi_Returns401()
    {
        using var client = Server.CreateClient(apiKey: "");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + FakeWandbOptions.TestApiKey)));
        using var response = await PostGraphqlAsync(client, "Viewer", "query Viewer { viewer { id entity } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task FileStream_WithoutAuthorization_Returns401AndStoresNothing()
    {
        var run = await CreateRunAsync();
        using var anonymous = Server.CreateClient(apiKey: "");
        using var response = await PostFileStreamAsync(anonymous, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, ["x"])));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(run.Lines("output.log"), Is.Empty);
    }
}

public sealed class CustomKeyAuthTests : FakeWandbTestBase
{
    protected override FakeWandbOptions Options(Microsoft.Extensions.Time.Testing.FakeTimeProvider time) =>
        new() { TimeProvider = time, ApiKeys = new Dictionary<string, string> { ["team-key-0123456789012345678901234567890123"] = "team-a" } };

    [Test]
    public async Task ConfiguredKey_IsAccepted_AndOwnsItsDefaultEntity()
    {
        using var client = Server.CreateClient("team-key-0123456789012345678901234567890123");
        using var response = await PostGraphqlAsync(client, "Viewer", "query Viewer { viewer { id entity } }");
        using var testKey = await PostGraphqlAsync(Server.CreateClient(FakeWandbOptions.TestApiKey), "Viewer", "query Viewer { viewer { entity } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(response))!["data"]!["viewer"]!["entity"]!.GetValue<string>(), Is.EqualTo("team-a"));
        Assert.That(testKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
