using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Cli.Hosting;

/// <summary>What a pipeline delivered: runs started and finished, rows and log lines, per run.</summary>
internal sealed class PipelineOutcome
{
    private readonly Dictionary<string, RunTally> _runs = [];
    private readonly Lock _gate = new();

    // NOTE: copies under the lock: after an abort the run-stage thread may still record while the report reads.
    public IReadOnlyCollection<RunTally> Runs
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs.Values];
            }
        }
    }

    public long Rows => Runs.Sum(r => r.Rows);

    public bool EveryRunFinished => Runs.All(r => r.Finished);

    /// <summary>True when the pipeline was stopped at once (a second signal, or the shutdown deadline).</summary>
    public bool Aborted { get; set; }

    public void Locate(string runId, string location)
    {
        lock (_gate)
        {
            _runs[runId].Location = location;
        }
    }

    public void Record(RunCommand command)
    {
        lock (_gate)
        {
            RecordLocked(command);
        }
    }

    private void RecordLocked(RunCommand command)
    {
        if (!_runs.TryGetValue(command.Run.RunId, out var tally))
        {
            tally = new RunTally(command.Run);
            _runs.Add(command.Run.RunId, tally);
        }
        switch (command)
        {
            case StartRun:
                tally.Finished = false;
                break;
            case LogBatch batch:
                tally.Rows += batch.Rows.Length;
                tally.LogLines += batch.LogLines.Length;
                if (!batch.Rows.IsEmpty)
                {
                    tally.LastStep = batch.Rows[^1].Step;
                }
                break;
            case FinishRun finish:
                tally.Finished = true;
                tally.EndReason = finish.Reason;
                break;
        }
    }
}

/// <summary>One run's share of a <see cref="PipelineOutcome"/>.</summary>
internal sealed class RunTally(RunInfo run)
{
    public RunInfo Run { get; } = run;

    public long Rows { get; set; }

    public long LogLines { get; set; }

    public long? LastStep { get; set; }

    public bool Finished { get; set; }

    /// <summary>Where the run can be seen (a W&amp;B URL, an offline folder), when known.</summary>
    public string? Location { get; set; }

    public RunEndReason? EndReason { get; set; }
}
