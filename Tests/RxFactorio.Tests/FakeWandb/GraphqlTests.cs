using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;

namespace RxFactorio.Tests.FakeWandb;

public sealed class GraphqlTests : FakeWandbTestBase
{
    private const string ConfigJson = """{"session_id":{"value":"freeplay_216000"},"start_tick":{"value":216000},"_wandb":{"value":{"t":{"1":[1,55]}}}}""";

    [Test]
    public async Task Viewer_ReturnsTheKeyOwnersDefaultEntity()
    {
        using var response = await PostGraphqlAsync(Client, "Viewer", "query Viewer { viewer { id entity username email flags teams { edges { node { name } } } } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var viewer = (await ReadJsonAsync(response))!["data"]!["viewer"]!;
        Assert.That(viewer["entity"]!.GetValue<string>(), Is.EqualTo(FakeWandbOptions.DefaultEntityName));
        Assert.That(viewer["flags"]!.GetValue<string>(), Is.EqualTo("{}"));
    }

    [Test]
    public async Task UpsertBucket_WithNullEntity_CreatesRunInDefaultEntity_WithDocumentedResponseShape()
    {
        var body = await UpsertAsync(UpsertVars(
            "abc123xy",
            extra:
            [
                ("displayName", "freeplay_216000_42"), ("config", ConfigJson), ("tags", new JsonArray("factorio", "nauvis")),
                ("groupName", "g1"), ("notes", "hello"), ("jobType", "telemetry"),
            ]));

        var upsert = body["data"]!["upsertBucket"]!;
        var bucket = upsert["bucket"]!;
        Assert.That(upsert["inserted"]!.GetValue<bool>(), Is.True);
        Assert.That(bucket["name"]!.GetValue<string>(), Is.EqualTo("abc123xy"));
        Assert.That(bucket["displayName"]!.GetValue<string>(), Is.EqualTo("freeplay_216000_42"));
        Assert.That(bucket["project"]!["name"]!.GetValue<string>(), Is.EqualTo("factorio"));
        Assert.That(bucket["project"]!["entity"]!["name"]!.GetValue<string>(), Is.EqualTo(FakeWandbOptions.DefaultEntityName));
        Assert.That(bucket["historyLineCount"]!.GetValue<int>(), Is.Zero);
        Assert.That(bucket["config"]!.GetValue<string>(), Is.EqualTo(ConfigJson));
        Assert.That(bucket["id"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(bucket.AsObject().ContainsKey("description") && bucket.AsObject().ContainsKey("sweepName"), Is.True);

        var run = Server.State.FindRun(FakeWandbOptions.DefaultEntityName, "factorio", "abc123xy")!;
        Assert.That(run, Is.Not.Null);
        Assert.That(run.Config["start_tick"]!.GetValue<int>(), Is.EqualTo(216000));
        Assert.That(run.Config["session_id"]!.GetValue<string>(), Is.EqualTo("freeplay_216000"));
        Assert.That(run.Tags, Is.EqualTo(new[] { "factorio", "nauvis" }));
        Assert.That((run.Group, run.Notes, run.JobType, run.State), Is.EqualTo(("g1", "hello", "telemetry", "running")));
    }

    [Test]
    public async Task UpsertBucket_SameNameTwice_UpdatesTheRun_AndReplacesConfig()
    {
        await UpsertAsync(UpsertVars("abc123xy", extra: [("displayName", "first"), ("config", ConfigJson)]));
        var second = await UpsertAsync(UpsertVars("abc123xy", extra: [("displayName", "second"), ("config", """{"lr":{"desc":null,"value":NaN}}""")]));

        Assert.That(second["data"]!["upsertBucket"]!["inserted"]!.GetValue<bool>(), Is.False);
        var run = Server.State.Runs.Single();
        Assert.That(run.DisplayName, Is.EqualTo("second"));
        Assert.That(run.Config.Keys, Is.EqualTo(new[] { "lr" }), "the SDK sends the whole config, so it replaces");
        Assert.That(run.Config["lr"]!.GetValue<string>(), Is.EqualTo("NaN"));
        Assert.That(run.UpsertCount, Is.EqualTo(2));
    }

    [Test]
    public async Task UpsertBucket_ByStorageId_UpdatesTheSameRun_AndKeepsUnsentParams()
    {
        var first = await UpsertAsync(UpsertVars("abc123xy", extra: [("displayName", "first"), ("notes", "kept")]));
        var id = first["data"]!["upsertBucket"]!["bucket"]!["id"]!.GetValue<string>();

        await UpsertAsync(UpsertVars("abc123xy", project: null, extra: [("id", id), ("displayName", "renamed")]));

        var run = Server.State.Runs.Single();
        Assert.That((run.Project, run.DisplayName, run.Notes), Is.EqualTo(("factorio", "renamed", "kept")));
    }

    [Test]
    public async Task UpsertBucket_WithNullProject_UsesUncategorized()
    {
        var body = await UpsertAsync(UpsertVars("abc123xy", project: null));

        Assert.That(body["data"]!["upsertBucket"]!["bucket"]!["project"]!["name"]!.GetValue<string>(), Is.EqualTo("uncategorized"));
    }

    [TestCase("a/b")]
    [TestCase("a:b")]
    [TestCase("a?b")]
    [TestCase("it's")]
    [TestCase(" lead")]
    [TestCase("   ")]
    [TestCase("")]
    public async Task UpsertBucket_WithInvalidRunId_Returns400WithGraphqlError(string name)
    {
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars(name));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ReadJsonAsync(response))!["errors"]![0]!["message"]!.GetValue<string>(), Does.Contain("run id"));
        Assert.That(Server.State.Runs, Is.Empty);
    }

    [Test]
    public async Task UpsertBucket_WithTagOver64Characters_Returns400WithServerMessage()
    {
        var tag = new string('t', 65);
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, UpsertVars("abc123xy", extra: [("tags", new JsonArray(tag))]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(
            (await ReadJsonAsync(response))!["errors"]![0]!["message"]!.GetValue<string>(),
            Is.EqualTo($"invalid tag '{tag}'. must be between 1 and 64 characters"));
    }

    [Test]
    public async Task UpsertBucket_MatchedByQueryText_WhenOperationNameIsMissing()
    {
        using var response = await PostGraphqlAsync(Client, null, UpsertQuery, UpsertVars("abc123xy"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.State.Runs, Has.Count.EqualTo(1));
        Assert.That(Server.State.Requests.Last().OperationName, Is.EqualTo("UpsertBucket"));
    }

    [Test]
    public async Task ServerFeaturesQuery_ReturnsEmptyFeatureList()
    {
        using var response = await PostGraphqlAsync(Client, "ServerFeaturesQuery", "query ServerFeaturesQuery { serverInfo { features { name isEnabled } } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(response))!["data"]!["serverInfo"]!["features"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task UnknownOperation_Returns200WithErrorsArray()
    {
        using var response = await PostGraphqlAsync(Client, "CreateRunFiles", "mutation CreateRunFiles { createRunFiles(input:{}) { runID } }");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(response))!["errors"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task NonJsonBody_Returns400()
    {
        using var response = await Client.PostAsync("graphql", new StringContent("query Viewer { viewer { id } }", Encoding.UTF8, "application/json"));
        using var wrongType = await Client.PostAsync("graphql", new StringContent("{}", Encoding.UTF8, "text/plain"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(wrongType.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task RunResumeStatus_NullModelForMissingProject_NullBucketForMissingRun()
    {
        await UpsertAsync(UpsertVars("abc123xy"));

        using var noProject = await PostGraphqlAsync(Client, "RunResumeStatus", "query RunResumeStatus { model { id } }", Vars(("project", "nope"), ("entity", null), ("name", "abc123xy")));
        using var noRun = await PostGraphqlAsync(Client, "RunResumeStatus", "query RunResumeStatus { model { id } }", Vars(("project", "factorio"), ("entity", null), ("name", "other")));

        var model = (await ReadJsonAsync(noProject))!["data"]!.AsObject();
        Assert.That(model.ContainsKey("model") && model["model"] is null, Is.True);
        var bucketParent = (await ReadJsonAsync(noRun))!["data"]!["model"]!.AsObject();
        Assert.That(bucketParent.ContainsKey("bucket") && bucketParent["bucket"] is null, Is.True);
    }

    [Test]
    public async Task RunResumeStatus_ExistingRun_ReturnsCountsTailsSummaryConfigAndWandbConfigT()
    {
        var run = await CreateRunAsync();
        await UpsertAsync(UpsertVars("abc123xy", extra: [("config", ConfigJson)]));
        using var stream = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(
            ("wandb-history.jsonl", 0, ["""{"_step":0}""", """{"_step":1,"x":NaN}"""]),
            ("wandb-events.jsonl", 0, ["""{"_runtime":2}"""]),
            ("output.log", 0, ["a", "b", "c"]),
            ("wandb-summary.json", 0, ["""{"_step":1}"""])));
        Assert.That(stream.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var response = await PostGraphqlAsync(Client, "RunResumeStatus", "query RunResumeStatus { model { id } }", Vars(("project", "factorio"), ("entity", null), ("name", "abc123xy")));

        var bucket = (await ReadJsonAsync(response))!["data"]!["model"]!["bucket"]!;
        Assert.That(bucket["historyLineCount"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(bucket["eventsLineCount"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(bucket["logLineCount"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(bucket["summaryMetrics"]!.GetValue<string>(), Is.EqualTo("""{"_step":1}"""));
        Assert.That(bucket["config"]!.GetValue<string>(), Is.EqualTo(ConfigJson));
        var tail = JsonNode.Parse(bucket["historyTail"]!.GetValue<string>())!.AsArray();
        Assert.That(tail.Last()!.GetValue<string>(), Is.EqualTo("""{"_step":1,"x":NaN}"""));
        Assert.That(JsonNode.Parse(bucket["eventsTail"]!.GetValue<string>())!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(JsonNode.Parse(bucket["wandbConfig"]!.GetValue<string>())!.AsObject().ContainsKey("t"), Is.True);
    }
}
