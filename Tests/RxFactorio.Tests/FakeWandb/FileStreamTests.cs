using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.FakeWandb;

public sealed class FileStreamTests : FakeWandbTestBase
{
    [Test]
    public async Task LinesAreStoredAtOffsets_ARepeatedOffsetReplaces()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);

        // PR wandb/wandb#3933: 0 "a", 1 "b", 1 "c", 2 "d", 0 "e" must leave e, c, d.
        foreach (var (offset, line) in new[] { (0L, "a"), (1L, "b"), (1L, "c"), (2L, "d"), (0L, "e") })
        {
            using var response = await PostFileStreamAsync(Client, path, FileStreamBody(("output.log", offset, [line])));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(run.Lines(FakeFileNames.OutputLog), Is.EqualTo(new[] { "e", "c", "d" }));
        Assert.That(Server.State.Counters.LinesReplaced, Is.EqualTo(2));
    }

    [Test]
    public async Task HistoryRows_AreParsedInOffsetOrder_AndToleratesNaN()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        using var later = await PostFileStreamAsync(Client, path, FileStreamBody((FakeFileNames.History, 2, ["""{"_step":2,"loss":Infinity}"""])));
        using var earlier = await PostFileStreamAsync(Client, path, FileStreamBody((FakeFileNames.History, 0, ["""{"_step":0,"loss":NaN}""", """{"_step":1,"loss":-Infinity}"""])));

        var rows = Server.State.HistoryRows(run.Key);
        Assert.That(rows.Select(r => r["_step"]!.GetValue<int>()), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(rows.Select(r => r["loss"]!.GetValue<string>()), Is.EqualTo(new[] { "NaN", "-Infinity", "Infinity" }));
        Assert.That(run.LastStep, Is.EqualTo(2));
    }

    [Test]
    public async Task Summary_LastWriteWins_CompleteAndExitCodeAreRecorded_ResponseMatchesDoc()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        using var first = await PostFileStreamAsync(Client, path, FileStreamBody((FakeFileNames.Summary, 0, ["""{"loss":1}"""])));
        var final = FileStreamBody((FakeFileNames.Summary, 0, ["""{"loss":0.5,"_step":12}"""]));
        final["complete"] = true;
        final["exitcode"] = 0;
        final["uploaded"] = new JsonArray("config.yaml");
        using var last = await PostFileStreamAsync(Client, path, final);

        Assert.That(await last.Content.ReadAsStringAsync(), Is.EqualTo("""{"exitcode":null,"limits":{},"stopped":false}"""));
        Assert.That(run.Lines(FakeFileNames.Summary), Has.Count.EqualTo(1));
        Assert.That(run.Summary!["loss"]!.GetValue<double>(), Is.EqualTo(0.5));
        Assert.That((run.Complete, run.ExitCode, run.State), Is.EqualTo((true, (int?)0, "finished")));
        Assert.That(run.Uploaded, Is.EquivalentTo(new[] { "config.yaml" }));
    }

    [Test]
    public async Task NonZeroExitCode_MarksRunFailed()
    {
        var run = await CreateRunAsync();
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), new JsonObject { ["complete"] = true, ["exitcode"] = 3 });

        Assert.That((run.Complete, run.ExitCode, run.State), Is.EqualTo((true, (int?)3, "failed")));
    }

    [Test]
    public async Task EmptyHeartbeat_IsAccepted()
    {
        var run = await CreateRunAsync();
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), []);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.State.Counters.Heartbeats, Is.EqualTo(1));
        Assert.That(run.Complete, Is.False);
    }

    [Test]
    public async Task UnknownRun_Returns404()
    {
        using var response = await PostFileStreamAsync(Client, FileStreamPath(FakeWandbOptions.DefaultEntityName, "factorio", "nope"), []);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task PathSegments_AreUrlDecodedOnce()
    {
        var run = await CreateRunAsync(name: "run 1+%41", project: "my project");
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, ["x"])));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(run.Lines("output.log"), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public async Task NonJsonBody_Returns400_AndBadShapeReturns400()
    {
        var run = await CreateRunAsync();
        var path = FileStreamPath(run.Entity, run.Project, run.Name);
        using var notJson = await Client.PostAsync(path, new StringContent("hello", Encoding.UTF8, "application/json"));
        using var badOffset = await PostFileStreamAsync(Client, path, new JsonObject { ["files"] = new JsonObject { ["output.log"] = new JsonObject { ["offset"] = -1, ["content"] = new JsonArray("x") } } });

        Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badOffset.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(run.Lines("output.log"), Is.Empty);
    }

    [Test]
    public async Task MarkStopped_MakesResponseSayStoppedTrue()
    {
        var run = await CreateRunAsync();
        Server.MarkStopped(run.Key);

        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), []);

        Assert.That((await ReadJsonAsync(response))!["stopped"]!.GetValue<bool>(), Is.True);
    }
}

public sealed class FileStreamLimitTests : FakeWandbTestBase
{
    protected override FakeWandbOptions Options(FakeTimeProvider time) => new() { TimeProvider = time, MaxRequestBytes = 4096, MaxLineBytes = 100 };

    [Test]
    public async Task RequestOverTheSizeLimit_Returns413()
    {
        var run = await CreateRunAsync();
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, [.. Enumerable.Repeat(new string('x', 90), 60)])));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(run.Lines("output.log"), Is.Empty);
    }

    [Test]
    public async Task LineOverTheLineLimit_Returns413()
    {
        var run = await CreateRunAsync();
        using var response = await PostFileStreamAsync(Client, FileStreamPath(run.Entity, run.Project, run.Name), FileStreamBody(("output.log", 0, [new string('x', 101)])));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }
}
