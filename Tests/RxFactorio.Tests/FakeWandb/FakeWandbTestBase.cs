using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.FakeWandb;

/// <summary>One fresh server per test, on 127.0.0.1:0, driven over real HTTP with a plain HttpClient.</summary>
public abstract class FakeWandbTestBase
{
    protected const string UpsertQuery = "\nmutation UpsertBucket ($id: String, $name: String) {\n\tupsertBucket(input: {id:$id,name:$name}) { bucket { id name } inserted }\n}\n";

    protected FakeWandbServer Server { get; private set; } = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected virtual FakeWandbOptions Options(FakeTimeProvider time) => new() { TimeProvider = time };

    [SetUp]
    public async Task StartServerAsync()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Server = await FakeWandbServer.StartAsync(Options(Time));
        Client = Server.CreateClient();
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected static JsonObject Vars(params (string Key, JsonNode? Value)[] values)
    {
        var vars = new JsonObject();
        foreach (var (key, value) in values)
        {
            vars[key] = value;
        }

        return vars;
    }

    protected static Task<HttpResponseMessage> PostGraphqlAsync(HttpClient client, string? operationName, string query, JsonObject? variables = null) =>
        client.PostAsJsonAsync("graphql", new JsonObject
        {
            ["query"] = query,
            ["variables"] = variables ?? [],
            ["operationName"] = operationName,
        });

    /// <summary>The 19 always-present UpsertBucket variables (docs/wandb-protocol.md §2), nulls except what is given.</summary>
    protected static JsonObject UpsertVars(string? name, string? project = "factorio", string? entity = null, params (string Key, JsonNode? Value)[] extra)
    {
        var vars = new JsonObject();
        foreach (var key in new[] { "id", "name", "project", "entity", "groupName", "description", "displayName", "notes", "commit", "config", "host", "debug", "program", "repo", "jobType", "state", "sweep", "tags", "summaryMetrics" })
        {
            vars[key] = null;
        }

        vars["name"] = name;
        vars["project"] = project;
        vars["entity"] = entity;
        foreach (var (key, value) in extra)
        {
            vars[key] = value;
        }

        return vars;
    }

    protected async Task<JsonObject> UpsertAsync(JsonObject variables)
    {
        using var response = await PostGraphqlAsync(Client, "UpsertBucket", UpsertQuery, variables);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (JsonObject)(await ReadJsonAsync(response))!;
    }

    protected async Task<FakeRun> CreateRunAsync(string name = "abc123xy", string project = "factorio")
    {
        await UpsertAsync(UpsertVars(name, project));
        return Server.State.FindRun(FakeWandbOptions.DefaultEntityName, project, name)!;
    }

    protected static string FileStreamPath(string entity, string project, string run) =>
        $"files/{Uri.EscapeDataString(entity)}/{Uri.EscapeDataString(project)}/{Uri.EscapeDataString(run)}/file_stream";

    protected static Task<HttpResponseMessage> PostFileStreamAsync(HttpClient client, string path, JsonObject body) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    protected static JsonObject FileStreamBody(params (string File, long Offset, string[] Lines)[] files)
    {
        var map = new JsonObject();
        foreach (var (file, offset, lines) in files)
        {
            map[file] = new JsonObject
            {
                ["offset"] = offset,
                ["content"] = new JsonArray([.. lines.Select(l => (JsonNode)JsonValue.Create(l))]),
            };
        }

        return new JsonObject { ["files"] = map };
    }

    protected static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync());
}
