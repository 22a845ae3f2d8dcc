using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;

namespace RxFactorio.Tests.FakeWandb;

/// <summary>CreateRunFiles, the storage port its URLs point at, MarkRunFilesUploaded, and the files in /runs.</summary>
public sealed class RunFilesEndpointTests : FakeWandbTestBase
{
    private const string CreateRunFilesQuery =
        "\nmutation CreateRunFiles ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {\n\tcreateRunFiles(input: {entityName:$entity,projectName:$project,runName:$run,files:$files}) { runID uploadHeaders files { name uploadUrl } }\n}\n";

    private const string MarkQuery =
        "\nmutation MarkRunFilesUploaded ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {\n\tmarkRunFilesUploaded(input: {entityName:$entity,projectName:$project,runName:$run,files:$files}) { success }\n}\n";

    private async Task<JsonObject> CreateRunFilesAsync(string run, params string[] files)
    {
        using var response = await PostGraphqlAsync(Client, "CreateRunFiles", CreateRunFilesQuery,
            Vars(("entity", FakeWandbOptions.DefaultEntityName), ("project", "factorio"), ("run", run), ("files", new JsonArray([.. files.Select(f => (JsonNode)f)]))));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await ReadJsonAsync(response))!.AsObject();
    }

    private static HttpRequestMessage Put(string url, string content, JsonObject payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(content, Encoding.UTF8) };
        foreach (var header in payload["uploadHeaders"]!.AsArray().Select(h => h!.GetValue<string>()))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            request.Headers.Add(header[..colon], header[(colon + 1)..]);
        }
        return request;
    }

    [Test]
    public async Task CreateRunFiles_GivesUrlsOnAnotherPort_APutStoresTheFile_AndRunsListsIt()
    {
        var run = await CreateRunAsync();

        var payload = (await CreateRunFilesAsync(run.Name, "wandb-metadata.json", "config.yaml"))["data"]!["createRunFiles"]!.AsObject();
        var files = payload["files"]!.AsArray();
        var url = new Uri(files[0]!["uploadUrl"]!.GetValue<string>());
        using var storage = new HttpClient();
        using var put = await storage.SendAsync(Put(url.ToString(), """{"program":"rxfactorio"}""", payload));
        using var again = await storage.SendAsync(Put(url.ToString(), """{"program":"rxfactorio","os":"Linux"}""", payload));
        using var anonymous = new HttpClient { BaseAddress = Server.BaseUrl };
        using var runs = await anonymous.GetAsync("runs");

        Assert.That(payload["runID"]!.GetValue<string>(), Is.EqualTo(run.StorageId));
        Assert.That(files.Select(f => f!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "wandb-metadata.json", "config.yaml" }));
        Assert.That((url.Host, url.Port), Is.EqualTo(("127.0.0.1", Server.UploadUrl.Port)));
        Assert.That(url.Port, Is.Not.EqualTo(Server.BaseUrl.Port));
        Assert.That((put.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(run.RunFile("wandb-metadata.json")!.Text, Is.EqualTo("""{"program":"rxfactorio","os":"Linux"}"""), "a re-upload replaces the file");
        Assert.That(run.RunFile("wandb-metadata.json")!.Uploads, Is.EqualTo(2));
        Assert.That(run.RunFile("config.yaml"), Is.Null, "asked for, never PUT");
        var listed = (await ReadJsonAsync(runs))!.AsArray().Single()!["files"]!.AsArray().Single()!;
        Assert.That(listed["name"]!.GetValue<string>(), Is.EqualTo("wandb-metadata.json"));
        Assert.That(listed["size"]!.GetValue<int>(), Is.EqualTo(37));
        Assert.That(listed["content"]!.GetValue<string>(), Does.Contain("Linux"));
    }

    [Test]
    public async Task StoragePort_RefusesWandbCredentials_AndAPutWithoutTheUploadHeaders()
    {
        var run = await CreateRunAsync();
        var payload = (await CreateRunFilesAsync(run.Name, "output.log"))["data"]!["createRunFiles"]!.AsObject();
        var url = payload["files"]![0]!["uploadUrl"]!.GetValue<string>();
        using var storage = new HttpClient();

        var withAuthorization = Put(url, "line\n", payload);
        withAuthorization.Headers.Authorization = FakeWandbServer.AuthorizationFor(Server.ApiKey);
        using var refused = await storage.SendAsync(withAuthorization);
        var withKeyHeader = Put(url, "line\n", payload);
        withKeyHeader.Headers.Add("X-Api-Key", Server.ApiKey);
        using var refusedToo = await storage.SendAsync(withKeyHeader);
        using var unsigned = await storage.PutAsync(url, new StringContent("line\n"));

        Assert.That((refused.StatusCode, refusedToo.StatusCode), Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Server.State.Counters.UploadsWithCredentials, Is.EqualTo(2));
        Assert.That(run.RunFiles, Is.Empty);
    }

    [Test]
    public async Task CreateRunFiles_ForAnUnknownRun_IsAGraphQlError()
    {
        var body = await CreateRunFilesAsync("nosuchrn", "config.yaml");

        Assert.That(body["errors"]![0]!["message"]!.GetValue<string>(), Does.Contain("not found"));
    }

    [Test]
    public async Task MarkRunFilesUploaded_RecordsTheNames()
    {
        var run = await CreateRunAsync();

        using var response = await PostGraphqlAsync(Client, "MarkRunFilesUploaded", MarkQuery,
            Vars(("entity", FakeWandbOptions.DefaultEntityName), ("project", "factorio"), ("run", run.Name), ("files", new JsonArray("config.yaml"))));

        Assert.That((await ReadJsonAsync(response))!["data"]!["markRunFilesUploaded"]!["success"]!.GetValue<bool>(), Is.True);
        Assert.That(run.MarkedUploaded, Is.EquivalentTo(new[] { "config.yaml" }));
    }
}
