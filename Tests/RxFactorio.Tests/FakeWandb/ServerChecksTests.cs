using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.FakeWandb;

namespace RxFactorio.Tests.FakeWandb;

public sealed class ServerChecksTests : FakeWandbTestBase
{
    protected override FakeWandbOptions Options(FakeTimeProvider time) => new() { TimeProvider = time, RestrictEntitiesToKeyOwner = true };

    [Test]
    public async Task UpsertBucket_ForAnotherEntity_Returns403WhenRestricted()
    {
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars("abc123xy", entity: "someone-else"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ReadJsonAsync(response))!["errors"]![0]!["message"]!.GetValue<string>(), Is.EqualTo("permission denied"));
    }

    [TestCase("a/b")]
    [TestCase("a%b")]
    [TestCase("a:b")]
    public async Task UpsertBucket_WithInvalidProject_Returns400(string project)
    {
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars("abc123xy", project));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task UpsertBucket_WithJobTypeOver64Characters_Returns400()
    {
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars("abc123xy", extra: [("jobType", new string('j', 65))]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task FileStream_AcceptsGzipBody()
    {
        var run = await CreateRunAsync();
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(FileStreamBody(("output.log", 0, ["zipped"])).ToJsonString()));
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await Client.PostAsync(FileStreamPath(run.Entity, run.Project, run.Name), content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "zipped" }));
    }

    [Test]
    public async Task FileStream_LegacyFieldsAndPreempting_AreRecorded()
    {
        var run = await CreateRunAsync();
        var body = new JsonObject { ["preempting"] = true, ["dropped"] = 2, ["failed"] = false };
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((run.Preempting, run.Dropped), Is.EqualTo((true, 2)));
    }
}
