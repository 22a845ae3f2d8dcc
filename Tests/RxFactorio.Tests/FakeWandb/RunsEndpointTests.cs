using System.Net;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.FakeWandb;

public sealed class RunsEndpointTests : FakeWandbTestBase
{
    [Test]
    public async Task GetRuns_ReturnsAJsonViewOfEveryRun()
    {
        await UpsertAsync(UpsertVars("abc123xy", extra: [("displayName", "freeplay_1"), ("config", """{"level_name":{"value":"freeplay"}}""")]));
        var run = Server.State.GetRun("abc123xy");
        var body = FileStreamBody(
            (FakeFileNames.History, 0, ["""{"_step":0}""", """{"_step":7}"""]),
            (FakeFileNames.Summary, 0, ["""{"_step":7,"tick":840}"""]),
            (FakeFileNames.OutputLog, 0, ["2026-01-01T00:00:00.000000 on_research_finished automation-2"]));
        body["complete"] = true;
        body["exitcode"] = 0;
        using var stream = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), body);

        using var anonymous = new HttpClient { BaseAddress = Server.BaseUrl };
        using var response = await anonymous.GetAsync("runs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var view = (await ReadJsonAsync(response))!.AsArray().Single()!;
        Assert.That(view["entity"]!.GetValue<string>(), Is.EqualTo(FakeWandbOptions.DefaultEntityName));
        Assert.That(view["project"]!.GetValue<string>(), Is.EqualTo("factorio"));
        Assert.That(view["name"]!.GetValue<string>(), Is.EqualTo("abc123xy"));
        Assert.That(view["displayName"]!.GetValue<string>(), Is.EqualTo("freeplay_1"));
        Assert.That(view["config"]!["level_name"]!.GetValue<string>(), Is.EqualTo("freeplay"));
        Assert.That(view["summary"]!["tick"]!.GetValue<int>(), Is.EqualTo(840));
        Assert.That(view["historyRowCount"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(view["lastStep"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(view["complete"]!.GetValue<bool>(), Is.True);
        Assert.That(view["exitcode"]!.GetValue<int>(), Is.Zero);
        Assert.That(view["outputLog"]!.AsArray().Select(l => l!.GetValue<string>()), Has.Exactly(1).Contains("automation-2"));
    }

    [Test]
    public async Task GetRunsHistory_GivesEachRowsStepFirstArrivalAndWrites()
    {
        await UpsertAsync(UpsertVars("abc123xy", extra: [("config", """{"session_id":{"value":"freeplay_216000"}}""")]));
        var run = Server.State.GetRun("abc123xy");
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        using var first = await PostFileStreamAsync(Client, path, FileStreamBody((FakeFileNames.History, 0, ["""{"_step":1}""", """{"_step":2}"""])));
        Time.Advance(TimeSpan.FromSeconds(3));
        // The second row resent (a retry) and a third row: the second keeps its first arrival, written twice.
        using var second = await PostFileStreamAsync(Client, path, FileStreamBody((FakeFileNames.History, 1, ["""{"_step":2}""", """{"_step":3}"""])));

        using var anonymous = new HttpClient { BaseAddress = Server.BaseUrl };
        using var response = await anonymous.GetAsync("runs/history");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var view = (await ReadJsonAsync(response))!.AsArray().Single()!;
        Assert.That(view["sessionId"]!.GetValue<string>(), Is.EqualTo("freeplay_216000"));
        var start = Time.GetUtcNow().AddSeconds(-3).ToUnixTimeMilliseconds();
        var rows = view["rows"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { 0L, 1, start, 1 },
            new[] { 1L, 2, start, 2 },
            new[] { 2L, 3, start + 3000, 1 },
        }));
    }

    [Test]
    public async Task RequestLog_RecordsMethodPathStatusAndOperationName()
    {
        await UpsertAsync(UpsertVars("abc123xy"));
        using var anonymous = Server.CreateClient(apiKey: "");
        using var denied = await PostGraphqlAsync(anonymous, "Viewer", "query Viewer { viewer { entity } }");

        var log = Server.State.Requests;
        Assert.That(log.Select(r => (r.Method, r.Path, r.StatusCode, r.OperationName)), Is.EqualTo(new[]
        {
            ("POST", "/graphql", 200, (string?)"UpsertBucket"),
            ("POST", "/graphql", 401, (string?)"Viewer"),
        }));
        Assert.That(Server.State.Counters.GraphqlRequests, Is.EqualTo(2));
    }
}
