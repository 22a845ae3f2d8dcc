using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxFactorio.Runs;

namespace RxFactorio.Sinks;

/// <summary>
/// A sink that keeps every command it receives with the time it came, for tests (ours and
/// yours) and for inspecting what a pipeline would send. Thread-safe.
/// </summary>
public sealed class RecordingSink : IRunSink
{
    private readonly IScheduler? _clock;
    private readonly ConcurrentQueue<RecordedCommand> _commands = new();

    /// <summary>Creates a recording sink.</summary>
    /// <param name="clock">The clock to stamp commands with, e.g. a <c>TestScheduler</c>; <c>null</c> stamps the wall clock.</param>
    public RecordingSink(IScheduler? clock = null) => _clock = clock;

    /// <summary>Every command received, in order.</summary>
    public IReadOnlyList<RecordedCommand> Commands => [.. _commands];

    /// <summary>The runs started, in order (a resumed run appears again).</summary>
    public IReadOnlyList<RunInfo> StartedRuns => [.. _commands.Select(c => c.Command).OfType<StartRun>().Select(s => s.Run)];

    /// <summary>Every history row sent for a run, in order.</summary>
    public IReadOnlyList<HistoryRow> RowsOf(string runId) =>
        [.. _commands.Select(c => c.Command).OfType<LogBatch>().Where(b => b.Run.RunId == runId).SelectMany(b => b.Rows)];

    /// <summary>Every run log line sent for a run, in order.</summary>
    public IReadOnlyList<string> LogLinesOf(string runId) =>
        [.. _commands.Select(c => c.Command).OfType<LogBatch>().Where(b => b.Run.RunId == runId).SelectMany(b => b.LogLines)];

    /// <summary>The last summary sent for a run, as a dictionary.</summary>
    public IReadOnlyDictionary<string, double> SummaryOf(string runId) =>
        _commands.Select(c => c.Command).OfType<LogBatch>().LastOrDefault(b => b.Run.RunId == runId)?.Summary.ToDictionary() ?? [];

    /// <inheritdoc />
    public ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        _commands.Enqueue(new RecordedCommand(_clock?.Now ?? DateTimeOffset.UtcNow, command));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A command as a <see cref="RecordingSink"/> received it.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Command">The command.</param>
public sealed record RecordedCommand(DateTimeOffset At, RunCommand Command);
