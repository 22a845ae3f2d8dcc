using Microsoft.Extensions.Logging;

namespace RxFactorio.Runs;

/// <summary>What a reader does when the run stage (and the run log behind it) has no room.</summary>
internal enum WhenRunStageIsFull
{
    /// <summary>
    /// The reader's <c>OnNext</c> waits until there is room, so memory stays bounded and reading
    /// goes at the speed the run log is written. Right for replays and tailed files.
    /// </summary>
    Wait,

    /// <summary>
    /// The reader never waits (a FIFO's writer, the game, must not), with a warning each time the
    /// queue crosses its capacity; nothing is dropped.
    /// </summary>
    Warn,
}

/// <summary>How events are handed from a reader thread to the run stage.</summary>
internal sealed record HandOffOptions
{
    /// <summary>The most events queued for the run stage (a few batches' worth).</summary>
    public int Capacity { get; init; } = 2048;

    /// <summary>What the reader does at <see cref="Capacity"/>.</summary>
    public WhenRunStageIsFull WhenFull { get; init; } = WhenRunStageIsFull.Wait;

    /// <summary>Where crossing the capacity is logged (with <see cref="WhenRunStageIsFull.Warn"/>).</summary>
    public ILogger? Logger { get; init; }
}
