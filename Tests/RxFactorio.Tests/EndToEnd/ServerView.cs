using System.Text.Json.Nodes;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>What a user would see on the server, read from the fake's stored state.</summary>
internal static class ServerView
{
    public static double Number(JsonObject row, string key) =>
        row[key] is JsonValue value ? value.GetValue<double>() : throw new AssertionException($"'{key}' missing or not a number in {row.ToJsonString()}");

    public static long Step(JsonObject row) => (long)Number(row, "_step");

    public static IReadOnlyList<long> Steps(FakeRun run) => [.. run.HistoryRows().Select(Step)];

    /// <summary>The file_stream requests the server logged for one run, in arrival order.</summary>
    public static IReadOnlyList<FakeRequest> FileStreamRequests(FakeState state, FakeRun run) =>
        [.. state.Requests.Where(r => r.Kind == RequestKind.FileStream && r.Path.EndsWith($"/{run.Name}/file_stream", StringComparison.Ordinal))];

    public static void AssertFinished(FakeRun run)
    {
        Assert.That((run.Complete, run.ExitCode, run.State), Is.EqualTo((true, (int?)0, "finished")), $"run {run.Name} ({run.DisplayName}) is finished with exit code 0");
    }

    /// <summary>
    /// The history file holds exactly <paramref name="count"/> lines at offsets 0‥count-1, and the line at
    /// offset i has <c>_step = firstStep + i</c>: no step missing, none twice, nothing out of place.
    /// </summary>
    public static void AssertHistoryExactlyOnce(FakeRun run, long firstStep, int count)
    {
        var lines = run.FileLines(FakeFileNames.History);
        Assert.That(lines.Select(l => l.Key), Is.EqualTo(Enumerable.Range(0, count).Select(i => (long)i)), $"run {run.Name}: history offsets contiguous from 0");
        var steps = lines.Select(l => Step((JsonObject)TolerantJson.Parse(l.Value)!)).ToList();
        Assert.That(steps, Is.EqualTo(Enumerable.Range(0, count).Select(i => firstStep + i)), $"run {run.Name}: every step once, in offset order");
    }

    /// <summary>Every history row carries W&amp;B's bookkeeping keys.</summary>
    public static void AssertBookkeeping(FakeRun run)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var row in run.HistoryRows())
        {
            Assert.That(row.ContainsKey("_step") && row.ContainsKey("_runtime") && row.ContainsKey("_timestamp"), Is.True, row.ToJsonString());
            Assert.That(Number(row, "_timestamp"), Is.InRange(now - 600, now + 60), "_timestamp is Unix seconds of about now");
        }
    }
}
