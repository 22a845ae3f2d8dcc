using System.Net;
using System.Text.Json;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class UpsertBucketTests
{
    private const string ExpectedQuery =
        "\nmutation UpsertBucket ($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {\n"
        + "\tupsertBucket(input: {id:$id,name:$name,groupName:$groupName,modelName:$project,entityName:$entity,description:$description,displayName:$displayName,notes:$notes,config:$config,commit:$commit,host:$host,debug:$debug,jobProgram:$program,jobRepo:$repo,jobType:$jobType,state:$state,sweep:$sweep,tags:$tags,summaryMetrics:$summaryMetrics}) {\n"
        + "\t\tbucket {\n\t\t\tid\n\t\t\tname\n\t\t\tdisplayName\n\t\t\tdescription\n\t\t\tconfig\n\t\t\tsweepName\n"
        + "\t\t\tproject {\n\t\t\t\tid\n\t\t\t\tname\n\t\t\t\tentity {\n\t\t\t\t\tid\n\t\t\t\t\tname\n\t\t\t\t}\n\t\t\t}\n"
        + "\t\t\thistoryLineCount\n\t\t}\n\t\tinserted\n\t}\n}\n";

    [Test]
    public async Task Request_HasExactQueryAndAllVariables_EntityNullWhenNotConfigured()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        var run = WandbTestKit.Run();

        await connection.CreateRunClient(run).StartAsync();

        var request = handler.Requests.Single();
        Assert.That(request.Uri.ToString(), Is.EqualTo("https://wandb.test/graphql"));
        var json = request.Json;
        Assert.That(json.GetProperty("operationName").GetString(), Is.EqualTo("UpsertBucket"));
        Assert.That(json.GetProperty("query").GetString(), Is.EqualTo(ExpectedQuery));
        var v = json.GetProperty("variables");
        Assert.That(v.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "id", "name", "project", "entity", "groupName", "description", "displayName", "notes", "commit", "config",
            "host", "debug", "program", "repo", "jobType", "state", "sweep", "tags", "summaryMetrics",
        }));
        Assert.That(v.GetProperty("id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(v.GetProperty("name").GetString(), Is.EqualTo("abc123xy"));
        Assert.That(v.GetProperty("project").GetString(), Is.EqualTo("factorio-experiments"));
        Assert.That(v.GetProperty("entity").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(v.GetProperty("displayName").GetString(), Is.EqualTo("freeplay_216000_42"));
        Assert.That(v.GetProperty("tags").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(v.GetProperty("state").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(v.GetProperty("summaryMetrics").ValueKind, Is.EqualTo(JsonValueKind.Null));

        // config is a JSON *string*, each top-level key wrapped as {"value": …}.
        Assert.That(v.GetProperty("config").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(v.GetProperty("config").GetString(),
            Is.EqualTo("""{"session_id":{"value":"freeplay_216000"},"level_name":{"value":"freeplay"},"start_tick":{"value":216000}}"""));
    }

    [Test]
    public async Task Request_CarriesConfiguredEntityTagsGroupNotesJobType()
    {
        var options = WandbTestKit.Options(o => o with { Entity = "me", Tags = ["factorio", "run"], Group = "g1", Notes = "n", JobType = "telemetry" });
        var (connection, handler, _) = WandbTestKit.Connect(options);
        using var _ = connection;

        await connection.CreateRunClient(WandbTestKit.Run()).StartAsync();

        var v = handler.Requests.Single().Json.GetProperty("variables");
        Assert.That(v.GetProperty("entity").GetString(), Is.EqualTo("me"));
        Assert.That(v.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "factorio", "run" }));
        Assert.That(v.GetProperty("groupName").GetString(), Is.EqualTo("g1"));
        Assert.That(v.GetProperty("notes").GetString(), Is.EqualTo("n"));
        Assert.That(v.GetProperty("jobType").GetString(), Is.EqualTo("telemetry"));
    }

    [Test]
    public async Task FileStreamUrl_UsesEntityAndProjectFromTheResponse_Escaped()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        handler.ResponseEntity = "my team";
        handler.ResponseProject = "proj#1";
        var run = WandbTestKit.Run();
        var client = connection.CreateRunClient(run);

        await client.StartAsync();
        await client.SendAsync(WandbTestKit.Batch(run, [WandbTestKit.Row(1, ("a", 1))]));

        Assert.That(client.Entity, Is.EqualTo("my team"));
        Assert.That(client.StorageId, Is.EqualTo("UnVuOnYxOnN0b3JhZ2U="));
        Assert.That(handler.FileStreamRequests.Single().Uri.AbsoluteUri,
            Is.EqualTo("https://wandb.test/files/my%20team/proj%231/abc123xy/file_stream"));
    }

    [Test]
    public async Task GraphQlErrorsIn200_AreFailuresWithTheirMessage()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;
        handler.EnqueueGraphQl(HttpStatusCode.OK, """{"errors":[{"message":"project name is reserved"}],"data":{"upsertBucket":null}}""");
        var client = connection.CreateRunClient(WandbTestKit.Run());

        var e = Assert.ThrowsAsync<WandbRequestException>(() => client.StartAsync());

        Assert.That(e!.Message, Does.Contain("project name is reserved"));
        Assert.That(client.State, Is.EqualTo(WandbRunState.Failed));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Viewer_ReturnsDefaultEntity()
    {
        var (connection, handler, _) = WandbTestKit.Connect();
        using var _ = connection;

        var viewer = await connection.ViewerAsync();

        Assert.That(viewer.Entity, Is.EqualTo("factorio-team"));
        Assert.That(handler.Requests.Single().Json.GetProperty("operationName").GetString(), Is.EqualTo("Viewer"));
    }
}
