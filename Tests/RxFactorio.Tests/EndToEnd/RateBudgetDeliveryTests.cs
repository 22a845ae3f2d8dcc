using RxFactorio.Events;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;
using RxFactorio.Sinks;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// Several games in one replay, one run each, through one connection to the fake W&amp;B over HTTP, while
/// the server refuses every file_stream request with 429 for a while (as W&amp;B over a project's rate
/// limit does): every row still arrives exactly once, and the runs wait together for the server's time,
/// so the server sees a handful of 429s, not one per run per retry. Each game is a source of its own (as
/// several mods' pipes would be), so the runs send at the same time.
/// Measured without the budget: 72 refusals with Retry-After (each run every 0.25 s), 215 with RateLimit-Reset (no
/// Retry-After: each run on its own backoff); with it 17 and 7.
/// </summary>
public sealed class RateBudgetDeliveryTests
{
    private const int Sessions = 6;
    private const int Rows = 50;
    private const long FirstCycle = 1800;
    private static readonly TimeSpan Refusing = TimeSpan.FromSeconds(3);

    /// <param name="retryAfter">The refusals' Retry-After; null: they say RateLimit-Remaining 0 and RateLimit-Reset instead.</param>
    /// <param name="waitsAtMost">How many times the server can ask the client to wait (and try again) within the refusing period.</param>
    [TestCase("0.25", 13, TestName = "TooManyRequestsWithRetryAfter_ForAWhile_RunsWaitTogether_EveryRowOnce")]
    // NOTE: the harness caps a server's wait at 2 s (MaxRetryAfter), so the 3 s reset is waited as two holds.
    [TestCase(null, 2, TestName = "TooManyRequestsWithRateLimitReset_ForAWhile_RunsWaitTheReset_EveryRowOnce")]
    public async Task RefusedForAWhile(string? retryAfter, int waitsAtMost)
    {
        await using var e2e = await EndToEndHarness.StartAsync(shipping: o => o with { RowsPerRequest = 10, SendWindow = TimeSpan.FromSeconds(10) });
        e2e.Server.Faults.Before(FaultScope.FileStream, 4, () => e2e.Server.Faults.RefuseFor(FaultScope.FileStream, TimeProvider.System, Refusing, retryAfter));

        var delivered = await e2e.ReplayAsync(Interleaved(), EndToEndHarness.FastRuns(maxBatchRows: 10));

        Assert.That(delivered.OfType<LogBatch>().Sum(b => b.Rows.Length), Is.EqualTo(Sessions * Rows));
        var runs = e2e.Server.State.Runs;
        Assert.That(runs, Has.Count.EqualTo(Sessions));
        foreach (var run in runs)
        {
            ServerView.AssertHistoryExactlyOnce(run, FirstCycle, Rows);
            ServerView.AssertFinished(run);
        }
        var refused = e2e.Server.State.Requests.Count(r => r.Kind == RequestKind.FileStream && r.StatusCode == 429);
        TestContext.Out.WriteLine($"429s the server answered: {refused}");
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.GreaterThan(0), "the server did refuse requests");
            // At most one refusal per run in flight when the refusing began, then one request per wait the server asked for.
            Assert.That(refused, Is.LessThanOrEqualTo(Sessions + waitsAtMost), "runs waited together, not each on its own schedule");
            Assert.That(e2e.Meter.Total("rxfactorio.rows.delivered"), Is.EqualTo(Sessions * Rows));
            Assert.That(e2e.Meter.Total("rxfactorio.http.failures"), Is.Zero);
            Assert.That(e2e.Meter.Total("rxfactorio.ratebudget.holds"), Is.GreaterThan(0));
        });
    }

    /// <summary>The sessions' events interleaved line by line, as one recording of several games would be.</summary>
    private static IEnumerable<FactorioEvent> Interleaved()
    {
        var sessions = Enumerable.Range(0, Sessions).Select(s => Game.Session($"freeplay_{216000 + (s * 120)}", FirstCycle, Rows).Select(e => e with { Source = $"game{s}.pipe" }).ToList()).ToList();
        for (var i = 0; i < sessions[0].Count; i++)
        {
            foreach (var session in sessions)
            {
                yield return session[i];
            }
        }
    }
}
