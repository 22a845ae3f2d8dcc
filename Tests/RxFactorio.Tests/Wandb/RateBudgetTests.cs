using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>
/// The process-wide <see cref="RateBudget"/> in virtual time: what one run's answer from W&amp;B does to
/// every run's next request, and that runs take turns. No test here waits on the real clock.
/// </summary>
public sealed class RateBudgetTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private FakeTimeProvider _time = null!;
    private RetryWaitCutoff _cutoff = null!;
    private CapturingLoggerFactory _logs = null!;
    private RateBudget _budget = null!;

    [SetUp]
    public void CreateBudget()
    {
        _time = new FakeTimeProvider(WandbTestKit.Start);
        _cutoff = new RetryWaitCutoff(_time);
        _logs = new CapturingLoggerFactory();
        _budget = new RateBudget(_time, _cutoff, _logs.CreateLogger("RxFactorio.Wandb.RateBudget"), TimeSpan.FromMinutes(5));
    }

    [TearDown]
    public void DisposeBudget()
    {
        _budget.Dispose();
        _logs.Dispose();
    }

    [Test]
    public async Task RetryAfterOnOneRun_HoldsEveryRun_UntilTheServersTime_ThenOneGoesFirst()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "10")));
        }

        var b = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();
        var c = _budget.TakeTurnAsync("run:c", CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.That(_budget.Queued, Is.EqualTo(2), "other runs wait for the time run a was given");

        _time.Advance(TimeSpan.FromSeconds(0.1));
        var probe = await Task.WhenAny(b, c).WaitAsync(Generous);
        var other = probe == b ? c : b;
        Assert.That(_budget.Queued, Is.EqualTo(1), "one request goes first, alone");

        using (var turn = await probe)
        {
            turn.Observe(Answer(HttpStatusCode.OK));
        }
        (await other.WaitAsync(Generous)).Dispose();
        Assert.That(_time.GetUtcNow() - WandbTestKit.Start, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task ProbeRefusedAgain_TheOthersKeepWaiting_NoSecondStorm()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "5")));
        }
        var waiting = Enumerable.Range(0, 8).Select(i => _budget.TakeTurnAsync($"run:{i}", CancellationToken.None).AsTask()).ToList();

        _time.Advance(TimeSpan.FromSeconds(5));
        var probe = await Task.WhenAny(waiting).WaitAsync(Generous);
        using (var turn = await probe)
        {
            turn.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "5")));
        }
        waiting.Remove(probe);
        Assert.That(_budget.Queued, Is.EqualTo(7), "a refused probe holds the rest for the new time");
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(_budget.Queued, Is.EqualTo(7), "still held");

        _time.Advance(TimeSpan.FromSeconds(0.1));
        probe = await Task.WhenAny(waiting).WaitAsync(Generous);
        Assert.That(_budget.Queued, Is.EqualTo(6), "again one goes first");
        using (var turn = await probe)
        {
            turn.Observe(Answer(HttpStatusCode.OK));
        }
        waiting.Remove(probe);
        var all = await Task.WhenAll(waiting).WaitAsync(Generous);
        Assert.That(all, Has.Length.EqualTo(6));
        foreach (var turn in all)
        {
            turn.Dispose();
        }
    }

    [Test]
    public async Task RateLimitRemainingZero_NextRequestWaitsTheReset()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.OK, ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "30")));
        }

        var next = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(next.IsCompleted, Is.False, "no quota left until the reset");
        _time.Advance(TimeSpan.FromSeconds(1));
        using (var probe = await next.WaitAsync(Generous))
        {
            probe.Observe(Answer(HttpStatusCode.OK));
        }

        // A spent quota is a hold until the reset, not a crawl afterwards: 20 more go within a second.
        var after = Enumerable.Range(0, 20).Select(i => _budget.TakeTurnAsync($"run:{i}", CancellationToken.None).AsTask()).ToList();
        for (var ms = 0; ms < 1000 && !after.TrueForAll(t => t.IsCompleted); ms++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        foreach (var turn in await Task.WhenAll(after).WaitAsync(Generous))
        {
            turn.Dispose();
        }
    }

    [Test]
    public async Task RateLimitRemainingLeft_NoWait()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.OK, ("RateLimit-Remaining", "500"), ("RateLimit-Reset", "30")));
        }

        var next = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();
        Assert.That(next.IsCompleted, Is.True);
        (await next).Dispose();
    }

    [Test]
    public async Task RunWithABacklog_DoesNotStarveAnother()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "1")));
        }
        var backlog = Enumerable.Range(0, 20).Select(_ => _budget.TakeTurnAsync("run:a", CancellationToken.None).AsTask()).ToList();
        var lonely = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1));
        using (var probe = await backlog[0].WaitAsync(Generous))
        {
            probe.Observe(Answer(HttpStatusCode.OK));
        }

        // The probe's 200 frees the burst (10 tokens; the probe used one): b's only request is in it, not behind a's 19.
        (await lonely.WaitAsync(Generous)).Dispose();
        Assert.That(_budget.Queued, Is.GreaterThanOrEqualTo(20 - RateBudget.Burst), "a's backlog goes at the budget's rate, b did not wait for it");
    }

    [Test]
    public async Task HoldOutlastsTheShutdownDeadline_WaitersFailAtOnce_RowsStayInTheLog()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "60")));
        }
        var waiting = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();

        _cutoff.CutAt(_time.GetUtcNow() + TimeSpan.FromSeconds(30));

        Assert.ThrowsAsync<RetryWaitCutException>(async () => await waiting.WaitAsync(Generous));
        Assert.ThrowsAsync<RetryWaitCutException>(async () => await _budget.TakeTurnAsync("run:c", CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(_time.GetUtcNow(), Is.EqualTo(WandbTestKit.Start), "cut, not waited");
            Assert.That(_cutoff.Cut.IsCancellationRequested, Is.True);
            Assert.That(_budget.Queued, Is.Zero);
        });
    }

    [Test]
    public async Task CancelledWaiter_LeavesTheQueue_OthersStillGo()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "2")));
        }
        using var stop = new CancellationTokenSource();
        var cancelled = _budget.TakeTurnAsync("run:a", stop.Token).AsTask();
        var kept = _budget.TakeTurnAsync("run:b", CancellationToken.None).AsTask();

        await stop.CancelAsync();
        Assert.ThrowsAsync<TaskCanceledException>(async () => await cancelled.WaitAsync(Generous));
        Assert.That(_budget.Queued, Is.EqualTo(1));
        _time.Advance(TimeSpan.FromSeconds(2));
        (await kept.WaitAsync(Generous)).Dispose();
    }

    [Test]
    public async Task OneEpisode_OneWarning_HoweverManyRequestsWaited()
    {
        using (var first = await _budget.TakeTurnAsync("run:a", CancellationToken.None))
        {
            first.Observe(Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "3")));
        }
        var waiting = Enumerable.Range(0, 5).Select(i => _budget.TakeTurnAsync($"run:{i}", CancellationToken.None).AsTask()).ToList();
        _time.Advance(TimeSpan.FromSeconds(3));
        var probe = await Task.WhenAny(waiting).WaitAsync(Generous);
        using (var turn = await probe)
        {
            turn.Observe(Answer(HttpStatusCode.OK));
        }
        foreach (var turn in await Task.WhenAll(waiting).WaitAsync(Generous))
        {
            turn.Dispose();
        }

        var lines = _logs.Entries.Where(e => e.Category == "RxFactorio.Wandb.RateBudget").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList(), Has.Count.EqualTo(1)
                .And.All.Contains("HTTP 429 with Retry-After 3 s").And.All.Contains("until 00:00:03.000 UTC"));
            Assert.That(lines.Where(l => l.Level == LogLevel.Information).Select(l => l.Message).ToList(), Has.Count.EqualTo(1)
                .And.All.Contains("flow again after 3 s").And.All.Contains("(5 requests waited)"));
        });
    }

    [Test]
    public void Estimate_QuotaSpentOneUnitPerRequest_RateFollowsWhatIsLeft()
    {
        var estimate = new RateEstimate();
        var now = WandbTestKit.Start;
        var remaining = 1000.0;
        // 5 requests per estimation window, each costing one unit; 100 s to the reset: 1000 units / 100 s = 10 per second left.
        for (var window = 0; window < 20; window++)
        {
            for (var i = 0; i < 5; i++)
            {
                estimate.CountRequest();
            }
            remaining -= 5;
            now += TimeSpan.FromSeconds(0.5);
            estimate.Update(now, new RateLimitHeaders(remaining, 100 - (window * 0.5)));
        }
        Assert.That(estimate.RequestsPerSecond, Is.InRange(8.0, 12.0), "about the units per second the server has left");
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }
        return response;
    }
}
