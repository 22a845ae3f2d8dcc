using RxFactorio.Sinks;
using RxFactorio.Sources;

namespace RxFactorio.Runs;

/// <summary>Everything a run keeps between its groups: identity, row state and summary survive an idle pause.</summary>
internal sealed class RunContext
{
    private readonly ISourceRuns _source;

    /// <summary>Where the source stood before the earliest update (row, log line) released and not in a batch yet.</summary>
    private SourcePosition? _unbatchedSince;

    /// <summary>Where the source stood before the rows the downsampler holds for the rest of their group.</summary>
    private SourcePosition? _groupedSince;

    /// <param name="info">The run.</param>
    /// <param name="options">The run options.</param>
    /// <param name="source">The runs of the same source: a source carries several sessions, and its checkpoint keeps them all.</param>
    public RunContext(RunInfo info, RunOptions options, ISourceRuns source)
    {
        Info = info;
        Rows = new RowAssembler(info, options);
        _source = source;
    }

    public RunInfo Info { get; }

    public RowAssembler Rows { get; }

    public LatestValues Summary { get; } = new();

    /// <summary>When its session was last seen, for the session grace.</summary>
    public SessionQuiet Quiet { get; } = new();

    /// <summary>How many times this run has been opened; above 1 means it resumed after being idle.</summary>
    public int Openings { get; set; }

    public RunEndReason EndReason { get; set; } = RunEndReason.Shutdown;

    /// <summary>Where the source stood just before the event that last opened the run.</summary>
    public SourcePosition OpenedBefore { get; private set; }

    /// <summary>The byte offset just after the event that last opened the run.</summary>
    public long OpenedThrough { get; private set; }

    /// <summary>Records the event that (re)opens the run.</summary>
    public void Opened(SourcePosition before, long through)
    {
        OpenedBefore = before;
        OpenedThrough = through;
        Rows.Reposition(before);
    }

    /// <summary>
    /// The earliest position whose effects this run holds only in memory: in its row assembler, in its
    /// downsampler or in updates not batched yet; <c>null</c> when the log has them all.
    /// </summary>
    public SourcePosition? HeldSince => Earliest(Earliest(Rows.HeldSince, _unbatchedSince), _groupedSince);

    /// <summary>An update released while the run stood before <paramref name="since"/> is on its way to a batch.</summary>
    public void Released(SourcePosition since) => _unbatchedSince = Earliest(_unbatchedSince, since);

    /// <summary>The downsampler holds rows released since <paramref name="since"/>; <c>null</c>: it holds none.</summary>
    public void Grouped(SourcePosition? since) => _groupedSince = since;

    /// <summary>Every update released so far is in the batch being made.</summary>
    public void Batched() => _unbatchedSince = null;

    private static SourcePosition? Earliest(SourcePosition? a, SourcePosition? b) =>
        (a, b) switch
        {
            ({ } x, { } y) => x.Offset <= y.Offset ? x : y,
            ({ } x, null) => x,
            (null, var y) => y,
        };

    /// <summary>The mark of a <see cref="StartRun"/>: nothing of the run is in memory yet.</summary>
    public SourceMark OpenMark()
    {
        var since = _source.HeldSince() is { } held && held.Offset < OpenedBefore.Offset ? held : OpenedBefore;
        return new(Info.Key.Source, since.Offset, since.Line, Math.Max(OpenedThrough, OpenedBefore.Offset), LastStep) { Runs = _source.Resumable() };
    }

    /// <summary>
    /// The mark of the batch being made (<see cref="Batched"/> first): read on from the first event whose
    /// effects this run or another run of its source still holds only in memory.
    /// </summary>
    public SourceMark Mark()
    {
        var last = Rows.Last;
        var since = HeldSince ?? last;
        if (_source.HeldSince() is { } held && held.Offset < since.Offset)
        {
            since = held;
        }
        return new(Info.Key.Source, since.Offset, since.Line, last.Offset, LastStep) { Runs = _source.Resumable() };
    }

    private long? LastStep => Rows.LastStep >= 0 ? Rows.LastStep : null;

    /// <summary>This run as a checkpoint keeps it.</summary>
    public MarkedRun Marked() => new(Info.RunId, Info.SessionId, Math.Max(Rows.Last.Offset, OpenedThrough), LastStep);
}

/// <summary>What a run needs to know of the other runs of its source.</summary>
internal interface ISourceRuns
{
    /// <summary>The earliest position whose effects some live run of the source holds only in memory.</summary>
    SourcePosition? HeldSince();

    /// <summary>The runs of the source a restart may continue: live, or resting after idle, the grace or a stop.</summary>
    IReadOnlyList<MarkedRun> Resumable();
}

/// <summary>A place in a source: the byte offset just after a line, and that line's number.</summary>
internal readonly record struct SourcePosition(long Offset, long Line);
