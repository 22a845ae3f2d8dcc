using System.Text.Json.Nodes;
using RxFactorio.Events;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;
using RxFactorio.Sinks;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// The original client's four "Testing Scenarios" (original-client.md), end to end: events → run stage
/// → real W&amp;B client → real HTTP → the W&amp;B-protocol fake, asserting what the server ends up with.
/// </summary>
[TestFixture]
public sealed class OriginalScenarioTests
{
    private const string DisplayNamePattern = @"_\d+$";

    [Test]
    public async Task Scenario1_NormalFlow_SessionInitThenStats_OneFinishedRunWithEveryRow()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        const string session = "freeplay_216000";
        var events = new List<FactorioEvent> { Game.Init(session, 216000) };
        for (long c = 1800; c < 1810; c++)
        {
            // Gear wheels are made for the first five cycles only: later rows log 0 (zero-fill).
            events.Add(c < 1805 ? Game.Stats(session, c, ("iron-gear-wheel", 7.5)) : Game.Stats(session, c));
        }

        var delivered = await e2e.ReplayAsync(events);

        var run = e2e.Server.State.Runs.Single();
        AssertRunIdentity(run, session, "freeplay", 216000);
        ServerView.AssertHistoryExactlyOnce(run, 1800, 10);
        ServerView.AssertBookkeeping(run);
        var rows = run.HistoryRows();
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Select(p => p.Key), Is.EquivalentTo(new[]
            {
                "_step", "_runtime", "_timestamp", "tick", "production/iron-plate", "production/iron-gear-wheel", "consumption/iron-ore",
            }));
            foreach (var row in rows)
            {
                var c = ServerView.Step(row);
                Assert.That(ServerView.Number(row, "production/iron-plate"), Is.EqualTo(Game.IronPlate(c)), $"step {c}");
                Assert.That(ServerView.Number(row, "consumption/iron-ore"), Is.EqualTo(Game.IronOre(c)), $"step {c}");
                Assert.That(ServerView.Number(row, "production/iron-gear-wheel"), Is.EqualTo(c < 1805 ? 7.5 : 0), $"step {c}: zero-filled once gone");
                Assert.That(ServerView.Number(row, "tick"), Is.EqualTo(c * 120), $"step {c}");
                Assert.That(ServerView.Number(row, "_runtime"), Is.EqualTo((c - 1800) * 2.0), $"step {c}: (tick − start_tick) / 60");
            }
            var summary = run.Summary!;
            Assert.That(ServerView.Number(summary, "production/iron-plate"), Is.EqualTo(Game.IronPlate(1809)));
            Assert.That(ServerView.Number(summary, "consumption/iron-ore"), Is.EqualTo(Game.IronOre(1809)));
            Assert.That(ServerView.Number(summary, "production/iron-gear-wheel"), Is.Zero, "latest value, not the last non-zero one");
            Assert.That(ServerView.Number(summary, "_step"), Is.EqualTo(1809));
            Assert.That(ServerView.Number(summary, "_runtime"), Is.EqualTo(18));
            ServerView.AssertFinished(run);
            Assert.That(WithoutRunFiles(Kinds(e2e.Server.State)), Is.EqualTo(new[] { "graphql UpsertBucket 200", "file_stream 200", "file_stream 200" }),
                "one upsert, one batch, one complete");
            AssertRunFilesBeforeEachComplete(Kinds(e2e.Server.State));
            Assert.That(delivered.OfType<FinishRun>().Single().Reason, Is.EqualTo(RunEndReason.Shutdown));
            Assert.That(
                new[] { "rxfactorio.http.retries", "rxfactorio.rows.delivered", "rxfactorio.rows.dropped", "rxfactorio.lines.oversized", "rxfactorio.batches.skipped", "rxfactorio.http.failures" }.Select(e2e.Meter.Total),
                Is.EqualTo(new long[] { 0, 10, 0, 0, 0, 0 }), "no retry, ten rows delivered, nothing dropped, skipped or failed");
        });
    }

    [Test]
    public async Task Scenario2_StatsBeforeInit_StartRunAtFirstTickWithoutLevelName_LaterStatsJoinIt()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        const string session = "freeplay_7200";

        await e2e.ReplayAsync(Game.Session(session, firstCycle: 60, cycles: 5, init: false));

        var run = e2e.Server.State.Runs.Single();
        Assert.Multiple(() =>
        {
            AssertRunIdentity(run, session, level: null, startTick: 60 * 120);
            ServerView.AssertHistoryExactlyOnce(run, 60, 5);
            Assert.That(run.HistoryRows().Select(r => ServerView.Number(r, "_runtime")), Is.EqualTo(new[] { 0.0, 2, 4, 6, 8 }), "runtime counts from the first stats");
            Assert.That(ServerView.Number(run.Summary!, "production/iron-plate"), Is.EqualTo(Game.IronPlate(64)));
            ServerView.AssertFinished(run);
        });
    }

    [Test]
    public async Task Scenario3_SessionChange_TheOldRunFinishesOnceTheNewSessionHasPlayedTheGrace()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        // 40 cycles of the new save: 80 s of game time, past the 60 s session grace.
        var events = Game.Session("freeplay_36000", 300, 10)
            .Append(Game.Research("freeplay_36000", 309 * 120 + 5, "automation-2"))
            .Concat(Game.Session("freeplay_48000", 400, 40))
            .ToList();

        var delivered = await e2e.ReplayAsync(events);

        var runs = e2e.Server.State.Runs;
        Assert.That(runs, Has.Count.EqualTo(2), "exactly two runs");
        var (first, second) = (runs[0], runs[1]);
        Assert.Multiple(() =>
        {
            AssertRunIdentity(first, "freeplay_36000", "freeplay", 36000);
            AssertRunIdentity(second, "freeplay_48000", "freeplay", 48000);
            Assert.That(first.Name, Is.Not.EqualTo(second.Name));
            ServerView.AssertHistoryExactlyOnce(first, 300, 10);
            ServerView.AssertHistoryExactlyOnce(second, 400, 40);
            Assert.That(ServerView.Number(first.Summary!, "production/iron-plate"), Is.EqualTo(Game.IronPlate(309)));
            Assert.That(ServerView.Number(second.Summary!, "production/iron-plate"), Is.EqualTo(Game.IronPlate(439)));
            Assert.That(first.Lines(FakeFileNames.OutputLog).Single(), Does.EndWith("[tick 37085] on_research_finished automation-2 1"));
            Assert.That(second.Lines(FakeFileNames.OutputLog), Is.Empty);
            ServerView.AssertFinished(first);
            ServerView.AssertFinished(second);
            Assert.That(delivered.OfType<FinishRun>().Select(f => (f.Run.SessionId, f.Reason)), Is.EqualTo(new[]
            {
                ("freeplay_36000", RunEndReason.SessionChanged), ("freeplay_48000", RunEndReason.Shutdown),
            }), "the old run finishes while the new one goes on, not at shutdown");
        });
    }

    [Test]
    public async Task Scenario4_Shutdown_SourceEndsMidRunWhileARequestIsSlow_RunFinishedWithEveryRow()
    {
        await using var e2e = await EndToEndHarness.StartAsync();
        const string session = "freeplay_216000";
        var live = e2e.Live();
        live.Push(Game.Init(session, 216000));
        live.Push([.. Enumerable.Range(1800, 10).Select(c => (FactorioEvent)Game.Stats(session, c))]);
        await live.DeliveredStepAsync(1809);

        // Mid-run: the next request is slow, and the source ends while it is in flight.
        e2e.Server.Faults.DelayNext(FaultScope.FileStream, TimeSpan.FromMilliseconds(250));
        live.Push([.. Enumerable.Range(1810, 10).Select(c => (FactorioEvent)Game.Stats(session, c))]);
        live.Push(Game.Research(session, 1819 * 120 + 1, "automation"));
        var delivered = await live.CompleteAsync();

        var run = e2e.Server.State.Runs.Single();
        Assert.Multiple(() =>
        {
            AssertRunIdentity(run, session, "freeplay", 216000);
            ServerView.AssertHistoryExactlyOnce(run, 1800, 20);
            Assert.That(run.Lines(FakeFileNames.OutputLog), Has.Count.EqualTo(1));
            Assert.That(ServerView.Number(run.Summary!, "_step"), Is.EqualTo(1819));
            ServerView.AssertFinished(run);
            Assert.That(delivered[^1], Is.InstanceOf<FinishRun>().With.Property(nameof(FinishRun.Reason)).EqualTo(RunEndReason.Shutdown));
            Assert.That(e2e.Server.State.Requests[^1].Path, Does.EndWith($"/{run.Name}/file_stream"), "the complete request is the last one");
        });
    }

    internal static void AssertRunIdentity(FakeRun run, string session, string? level, long startTick)
    {
        Assert.Multiple(() =>
        {
            Assert.That(run.DisplayName, Does.StartWith(session + "_").And.Match("^" + System.Text.RegularExpressions.Regex.Escape(session) + DisplayNamePattern),
                "display name {session_id}_{digits}");
            Assert.That(run.Name, Does.Match("^[a-z0-9]{8}$"), "run id");
            Assert.That((run.Entity, run.Project), Is.EqualTo((FakeWandbOptions.DefaultEntityName, "factorio-experiments")));
            Assert.That(Text(run.Config, "session_id"), Is.EqualTo(session));
            Assert.That(Text(run.Config, "level_name"), Is.EqualTo(level), "level_name from session_init (none without one)");
            Assert.That(run.Config["start_tick"]!.GetValue<long>(), Is.EqualTo(startTick));
            Assert.That(run.UpsertCount, Is.EqualTo(1), "created once");
        });
    }

    /// <summary>The protocol requests in order, as "graphql Op status" / "file_stream status".</summary>
    private static IEnumerable<string> WithoutRunFiles(IEnumerable<string> kinds) => kinds.Where(k => k != "graphql CreateRunFiles 200");

    /// <summary>
    /// Each run's requests (from its upsert to the next) end with CreateRunFiles, then its complete: the files go
    /// before the run is finished. A run whose first batch came before its end asked for its metadata and config earlier too.
    /// </summary>
    private static void AssertRunFilesBeforeEachComplete(IReadOnlyList<string> kinds)
    {
        var starts = kinds.Select((k, i) => (k, i)).Where(p => p.k == "graphql UpsertBucket 200").Select(p => p.i).Append(kinds.Count).ToList();
        for (var run = 0; run + 1 < starts.Count; run++)
        {
            var requests = kinds.Skip(starts[run]).Take(starts[run + 1] - starts[run]).ToList();
            Assert.That(requests[^2..], Is.EqualTo(new[] { "graphql CreateRunFiles 200", "file_stream 200" }), $"run {run + 1}: {string.Join(", ", requests)}");
            Assert.That(requests.Count(k => k == "graphql CreateRunFiles 200"), Is.InRange(1, 2), $"run {run + 1}: at the start (when rows came first) and at the end");
        }
    }

    internal static IReadOnlyList<string> Kinds(FakeState state) =>
        [.. state.Requests.Where(r => r.Kind != RequestKind.Control).Select(r => r.Kind == RequestKind.Graphql
            ? $"graphql {r.OperationName} {r.StatusCode}"
            : $"file_stream {r.StatusCode}")];

    private static string? Text(IReadOnlyDictionary<string, JsonNode?> config, string key) =>
        config.TryGetValue(key, out var node) && node is JsonValue v ? v.GetValue<string>() : null;
}
