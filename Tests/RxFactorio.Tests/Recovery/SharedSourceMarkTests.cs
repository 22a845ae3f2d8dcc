using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Recovery;

/// <summary>
/// A source read in one go (a tailed file catching up after a restart): the checkpoint a batch's
/// mark writes must never stand past a line whose row is not in the log yet, whichever run's batch
/// reaches the log first (several sessions on the source) and whatever waits for the rest of a
/// downsampled group. A kill right after any command would otherwise lose those rows: the restart
/// reads on after their lines.
/// </summary>
public sealed class SharedSourceMarkTests : ReactiveTest
{
    /// <param name="sessions">Sessions interleaved line by line.</param>
    /// <param name="every">The downsampling (<c>--every</c>): rows of a group wait in memory for the rest of it.</param>
    [TestCase(3, 1)]
    [TestCase(3, 3)]
    [TestCase(1, 3)]
    public void EveryMark_StandsBeforeEveryLineWhoseRowIsNotInTheLogYet(int sessions, int every)
    {
        var scheduler = new TestScheduler();
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(50), Random = new Random(1), Every = every };
        // The sessions interleaved line by line, 12 cycles each, all in one read (one virtual tick).
        var lines = new List<StatsEvent>();
        for (var cycle = 1; cycle <= 12; cycle++)
        {
            foreach (var session in Enumerable.Range(0, sessions).Select(s => $"s{s}"))
            {
                var offset = 100L * (lines.Count + 1);
                lines.Add(Ev.Stats(session, cycle, production: ("coal", cycle)) with { SourceOffset = offset, LineNumber = lines.Count + 1 });
            }
        }
        var events = scheduler.CreateHotObservable(
            [.. lines.Select(e => OnNext<FactorioEvent>(210, e)), OnCompleted<FactorioEvent>(400)]);
        var sink = new RecordingSink(scheduler);

        scheduler.Start(() => events.ToRunCommands(options, scheduler).SendTo(sink), created: 100, subscribed: 200, disposed: 5000);

        var commands = sink.Commands.Select(c => c.Command).ToList();
        var logged = new HashSet<(string Session, long Step)>();
        var checkedMarks = 0;
        foreach (var command in commands)
        {
            if (command is LogBatch batch)
            {
                foreach (var row in batch.Rows)
                {
                    // A downsampled row stands for the cycles up to its step.
                    for (var step = row.Step - every + 1; step <= row.Step; step++)
                    {
                        logged.Add((batch.Run.SessionId, step));
                    }
                }
            }
            if (command.Mark is not { } mark)
            {
                continue;
            }
            checkedMarks++;
            // A restart reads on after ResumeOffset: every line up to it must have its row in the log.
            var lost = lines
                .Where(l => l.SourceOffset <= mark.ResumeOffset && !logged.Contains((l.SessionId, l.Cycle)))
                .Select(l => $"{l.SessionId} cycle {l.Cycle} (line {l.LineNumber})")
                .ToList();
            Assert.That(lost, Is.Empty, $"a kill right after the {command.GetType().Name} of {command.Run.SessionId} (mark at line {mark.ResumeLine}) loses these rows");
        }
        Assert.That(checkedMarks, Is.GreaterThan(3), "every run's batches carry marks");
        Assert.That(logged, Has.Count.EqualTo(12 * sessions), "every row reaches the log in the end");
    }
}
