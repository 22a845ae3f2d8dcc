using System.Collections.Immutable;
using RxFactorio.Runs;

namespace RxFactorio.Sinks;

/// <summary>One thing a sink must do for a run, in order: start, then batches, then finish.</summary>
public abstract record RunCommand
{
    /// <summary>The run this command is for.</summary>
    public required RunInfo Run { get; init; }

    /// <summary>
    /// Where the run stands in its source once this command is carried out (for checkpoints);
    /// <c>null</c> when the command does not move it (e.g. all but the last batch of a split).
    /// </summary>
    public Sources.SourceMark? Mark { get; init; }
}

/// <summary>Create the run on the sink, or resume it when <see cref="Resumed"/> (same run id, steps continue).</summary>
public sealed record StartRun : RunCommand
{
    /// <summary>True when an idle run of the same session resumes: the sink must continue it, not create a new one.</summary>
    public bool Resumed { get; init; }
}

/// <summary>Rows and log lines of one run, to be sent together (one W&amp;B file_stream request, or a few if over the size limit).</summary>
public sealed record LogBatch : RunCommand
{
    /// <summary>History rows, in increasing step order.</summary>
    public ImmutableArray<HistoryRow> Rows { get; init; } = [];

    /// <summary>Lines for the run's <c>output.log</c>, in order.</summary>
    public ImmutableArray<string> LogLines { get; init; } = [];

    /// <summary>Which of <see cref="LogLines"/> are error (stderr) lines: W&amp;B shows them with an <c>ERROR </c> prefix.</summary>
    internal ImmutableHashSet<int> ErrorLines { get; init; } = [];

    /// <summary>The run's summary after this batch: the latest value of every key.</summary>
    public ImmutableArray<KeyValuePair<string, double>> Summary { get; init; } = [];

    /// <summary>The run's summary values that are not numbers (its latest image), as JSON; set by the shipper from the log.</summary>
    internal ImmutableArray<KeyValuePair<string, string>> SummaryJson { get; init; } = [];

    /// <summary>The sum of <see cref="HistoryRow.EstimatedBytes"/> over <see cref="Rows"/>, when the batcher counted it already; <c>null</c>: count it.</summary>
    internal long? RowBytes { get; init; }
}

/// <summary>Finish the run (W&amp;B: <c>complete</c> with exit code 0). Sent after the run's last batch.</summary>
public sealed record FinishRun : RunCommand
{
    /// <summary>Why the run ended.</summary>
    public required RunEndReason Reason { get; init; }
}
