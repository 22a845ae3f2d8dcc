using System.Globalization;
using RxFactorio.FakeWandb;
using RxFactorio.RunLog;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Sources;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Recovery;

/// <summary>
/// <c>rxfactorio run</c> on a real FIFO written by another process, killed with SIGKILL and
/// restarted: completed rows are in the run log at once, and the same session goes on in the same run.
/// </summary>
[NonParallelizable]
[Platform(Exclude = "Win")]
public sealed class FifoKillRestartTests() : FakeWandbCliTest("rxf-fifo-kill-")
{
    private const string Session = "nauvis_7";

    private string Fifo => Path.Combine(Dir, "events.pipe");

    private static string Init(string session) =>
        $$"""{"type":"session_init","session_id":"{{session}}","tick":0,"level_name":"freeplay"}""";

    private static string Stats(long cycle, string session = Session) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"type":"stats","session_id":"{{{session}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle + 0.5}}}},"materials_consumption":{"iron-ore":{{{cycle}}}}}""");

    private static IEnumerable<string> Cycles(long first, long last, string session = Session)
    {
        for (var c = first; c <= last; c++)
        {
            yield return Stats(c, session);
        }
    }

    /// <summary>The steps in the only run log under <see cref="FakeWandbCliTest.Dir"/>; empty while there is none or it is too new to read.</summary>
    private IReadOnlyList<long> LoggedSteps()
    {
        if (new OfflineLayout(Dir).FindRunFolders() is not [var only])
        {
            return [];
        }
        try
        {
            return [.. RunLogReader.Read(only.LogFile).History.Select(r => r.Step)];
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return [];
        }
    }

    private CliProcess.Running StartRun(params string[] more) =>
        CliProcess.Start(["run", "--source", Fifo, "--mode", "online", "--batch-window", "60s", .. more], Online());

    [Test]
    public async Task KilledRightAfterRowsComplete_TheRunLogHoldsEveryCompletedRow_WithoutWaitingForAWindow()
    {
        await using var child = StartRun();
        await child.WaitUntilAsync(() => File.Exists(Fifo), "rxfactorio to create the FIFO");
        using var writer = new GameFifoWriter(Fifo);
        writer.Send([Init(Session), .. Cycles(1, 10)]);
        await Wait.UntilAsync(() => writer.Written == 11, () => $"the writer to write 11 lines ({writer.Written})");

        // NOTE: the rows of cycles 1-9 are complete once cycle 10 is read (cycle 10's row waits for more
        // of its cycle); they must reach the log well before the 60 s batch window. A bounded wait,
        // not a failure: the assertion below says what the log held at the kill.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (LoggedSteps().Count < 9 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await child.SignalAsync("KILL");
        await child.WaitAsync();

        Assert.That(LoggedSteps(), Is.EqualTo(Enumerable.Range(1, 9).Select(i => (long)i)),
            "every completed row was in the run log at the kill; only the row being assembled (cycle 10) was lost");
    }

    [Test]
    public async Task RestartedAfterAKill_TheSameSessionContinuesItsRun_OneRunIdStepsGoOnNoDuplicates()
    {
        var first = StartRun();
        await first.WaitUntilAsync(() => File.Exists(Fifo), "rxfactorio to create the FIFO");
        using var writer = new GameFifoWriter(Fifo);
        writer.Send([Init(Session), .. Cycles(1, 10)]);
        await Wait.UntilAsync(() => LoggedSteps().Count == 9, () => $"rows 1-9 in the run log ({LoggedSteps().Count})\n{first.Error}");
        await first.SignalAsync("KILL");
        await first.WaitAsync();
        await first.DisposeAsync();

        await using var second = StartRun();
        writer.Send(Cycles(11, 20));
        await Wait.UntilAsync(() => LoggedSteps().Count == 18, () => $"rows 11-19 in the run log ({LoggedSteps().Count})\n{second.Error}", TimeSpan.FromSeconds(30));
        await second.SignalAsync("TERM");
        var (exitCode, output, error) = await second.WaitAsync();

        Assert.That(exitCode, Is.Zero, output + error);
        var run = Server.State.Runs.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ServerView.Steps(run), Is.EqualTo(Enumerable.Range(1, 9).Concat(Enumerable.Range(11, 10)).Select(i => (long)i)),
                "one run: the steps go on after the restart, each once; only cycle 10's row (being assembled at the kill) is lost");
            Assert.That(run.HistoryRows().Select(r => ServerView.Number(r, "production/iron-plate")),
                Is.EqualTo(Enumerable.Range(1, 9).Concat(Enumerable.Range(11, 10)).Select(c => c + 0.5)), "each row's values are its own");
            Assert.That((run.Complete, run.ExitCode), Is.EqualTo((true, (int?)0)), "finished by the SIGTERM");
            Assert.That(new OfflineLayout(Dir).FindRunFolders(), Has.Count.EqualTo(1), "one run log, continued");
            Assert.That(writer.Lost, Is.Zero, "the writer waited in open() while no reader held the FIFO");
            Assert.That(output, Does.Contain($"id {run.Name}  rows 19 (10 this start)  last step 20  finished"),
                "the end report counts the continued run's whole history and what this start added");
            Assert.That(output, Does.StartWith("1 run(s), 19 (10 this start) row(s)"));
        });
    }

    [Test]
    public async Task RestartedAfterAKill_AnotherSessionStartsANewRun_AndTheOldOneIsFinished()
    {
        var first = StartRun();
        await first.WaitUntilAsync(() => File.Exists(Fifo), "rxfactorio to create the FIFO");
        using var writer = new GameFifoWriter(Fifo);
        writer.Send([Init(Session), .. Cycles(1, 5)]);
        await Wait.UntilAsync(() => LoggedSteps().Count == 4, () => $"rows 1-4 in the run log ({LoggedSteps().Count})\n{first.Error}");
        await first.SignalAsync("KILL");
        await first.WaitAsync();
        await first.DisposeAsync();

        await using var second = StartRun();
        writer.Send([Init("vulcanus_2"), .. Cycles(1, 3, "vulcanus_2")]);
        await Wait.UntilAsync(() => Server.State.Runs.Count == 2, () => $"a second run on the server\n{second.Error}", TimeSpan.FromSeconds(30));
        await second.SignalAsync("TERM");
        var (exitCode, output, error) = await second.WaitAsync();

        Assert.That(exitCode, Is.Zero, output + error);
        var runs = Server.State.Runs.OrderBy(r => r.HistoryRows().Count).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(runs.Select(ServerView.Steps), Is.EqualTo(new[] { new long[] { 1, 2, 3 }, [1, 2, 3, 4] }));
            Assert.That(runs.Select(r => r.Complete), Is.All.True, "the old run is finished when the source goes on with another session");
        });
    }

    [Test]
    public async Task RestartedAfterAKill_TwoSessionsOfOneSource_EachContinuesItsRun()
    {
        static IEnumerable<string> Both(long first, long last)
        {
            for (var c = first; c <= last; c++)
            {
                yield return Stats(c);
                yield return Stats(c, "vulcanus_2");
            }
        }
        IReadOnlyList<int> Logged() => [.. new OfflineLayout(Dir).FindRunFolders().Select(f => RunLogRows.In(f.LogFile))];

        var first = StartRun();
        await first.WaitUntilAsync(() => File.Exists(Fifo), "rxfactorio to create the FIFO");
        using var writer = new GameFifoWriter(Fifo);
        writer.Send([Init(Session), Init("vulcanus_2"), .. Both(1, 10)]);
        await Wait.UntilAsync(() => Logged() is [9, 9], () => $"rows 1-9 of both sessions in their run logs ({string.Join(",", Logged())})\n{first.Error}");
        await first.SignalAsync("KILL");
        await first.WaitAsync();
        await first.DisposeAsync();

        await using var second = StartRun();
        writer.Send(Both(11, 20));
        await Wait.UntilAsync(() => Logged() is [18, 18], () => $"rows 11-19 of both in their run logs ({string.Join(",", Logged())})\n{second.Error}", TimeSpan.FromSeconds(30));
        await second.SignalAsync("TERM");
        var (exitCode, output, error) = await second.WaitAsync();

        Assert.That(exitCode, Is.Zero, output + error);
        var runs = Server.State.Runs;
        var expected = Enumerable.Range(1, 9).Concat(Enumerable.Range(11, 10)).Select(i => (long)i);
        Assert.Multiple(() =>
        {
            Assert.That(runs, Has.Count.EqualTo(2), "one run per session, each continued after the restart");
            Assert.That(runs.Select(ServerView.Steps), Is.All.EqualTo(expected), "each run's steps go on, each once; only cycle 10 (being assembled at the kill) is lost");
            Assert.That(runs.Select(r => r.Complete), Is.All.True);
            Assert.That(new OfflineLayout(Dir).FindRunFolders(), Has.Count.EqualTo(2), "two run logs, both continued");
            Assert.That(output, Does.StartWith("2 run(s), 38 (20 this start) row(s)"));
        });
    }
}
