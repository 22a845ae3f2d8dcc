namespace RxFactorio.Runs;

/// <summary>
/// A run a crashed or stopped process left in its run log, to be continued by the run stage
/// under the same run id: the source's next events of the same session resume it (steps go on
/// after <see cref="LastStep"/>); a new session on the source starts a new run as usual.
/// </summary>
public sealed record ResumedRun
{
    /// <summary>The run. Its <see cref="RunKey.Source"/> must be the source's display name, its session the run's session.</summary>
    public required RunInfo Run { get; init; }

    /// <summary>The last step in the run log; <c>null</c> before the first row. Stats of this cycle or earlier are already there.</summary>
    public long? LastStep { get; init; }

    /// <summary>The item keys zero-filled so far (the keys of the last row in the log), so zero-filling goes on as before.</summary>
    public IReadOnlyList<string> ZeroFillKeys { get; init; } = [];

    /// <summary>The history rows the run's log already holds (written by the processes before this one).</summary>
    public long RowsBefore { get; init; }

    /// <summary>The run's summary in the log: the latest value of every key.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Summary { get; init; } = [];

    /// <summary>The byte offset reading resumes at (the checkpoint's); also where the run's position counts from.</summary>
    public long ResumeOffset { get; init; }

    /// <summary>The line number of the line that ends at <see cref="ResumeOffset"/>.</summary>
    public long ResumeLine { get; init; }

    /// <summary>
    /// Events up to this byte offset were taken in before: they belong to this run whatever they
    /// are, and their log lines are in the log already (they are not written again).
    /// </summary>
    public long ThroughOffset { get; init; }
}
