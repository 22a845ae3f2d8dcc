using RxFactorio.Sinks;

namespace RxFactorio.Runs;

/// <summary>Everything a run keeps between its groups: identity, row state and summary survive an idle pause.</summary>
internal sealed class RunContext
{
    public RunContext(RunInfo info, RunOptions options)
    {
        Info = info;
        Rows = new RowAssembler(info, options);
    }

    public RunInfo Info { get; }

    public RowAssembler Rows { get; }

    public Dictionary<string, double> Summary { get; } = [];

    /// <summary>How many times this run has been opened; above 1 means it resumed after being idle.</summary>
    public int Openings { get; set; }

    public RunEndReason EndReason { get; set; } = RunEndReason.Shutdown;
}
