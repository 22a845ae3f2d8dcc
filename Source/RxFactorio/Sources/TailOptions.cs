namespace RxFactorio.Sources;

/// <summary>Options for <see cref="ByteSources.TailFile"/>.</summary>
public sealed record TailOptions
{
    /// <summary>
    /// How long to wait, after new data, before checking again for more, truncation or
    /// replacement. Default 250 ms. While nothing new arrives the wait doubles up to
    /// <see cref="MaxPollInterval"/>, and it drops back to this after the next data.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest wait between checks while the file is quiet (or missing). Default 1 s: an idle
    /// tail wakes once a second instead of four times, and a line written into a quiet file is
    /// read within a second (the default batch window is 5 s). A value below
    /// <see cref="PollInterval"/> means a fixed <see cref="PollInterval"/>.
    /// </summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Skip what the file holds when the subscription starts and deliver only what is appended
    /// afterwards. Default false: read from the beginning. Does not apply to a file that
    /// appears later, to a replacement, or after a truncation or a rewrite in place (those are read from offset 0).
    /// </summary>
    public bool FromEnd { get; init; }

    /// <summary>
    /// Resume from a previously reported position. Used only if the file at the path still has
    /// the same <see cref="FileIdentity"/> and is at least that long; otherwise the tail starts
    /// as <see cref="FromEnd"/> says.
    /// </summary>
    public TailPosition? StartAt { get; init; }

    /// <summary>
    /// The fingerprint of the file's bytes before <see cref="StartAt"/> (<see cref="SourceCheckpoint.Fingerprint"/>).
    /// When set and the file's bytes there differ (it was rewritten in place), <see cref="StartAt"/> is not
    /// used: the file is read from the start, with a warning. <c>null</c>: not checked.
    /// </summary>
    public string? StartFingerprint { get; init; }

    /// <summary>
    /// Called on the read loop after each chunk has been delivered (its <c>OnNext</c> returned),
    /// with the file and the offset just past that chunk. A checkpoint feature can record it.
    /// Must be quick and must not throw.
    /// </summary>
    public Action<TailPosition>? PositionChanged { get; init; }

    /// <summary>
    /// Called on the read loop when the source's <see cref="SourceState"/> changes, never twice in
    /// a row with the same state: <see cref="SourceState.Waiting"/> while the file does not exist,
    /// <see cref="SourceState.Open"/> once it is open (a replacement or truncation keeps it open),
    /// <see cref="SourceState.Closed"/> when the subscription is disposed, and
    /// <see cref="SourceState.Failed"/> before an error is reported. Must be quick and must not throw.
    /// </summary>
    public Action<SourceState>? StateChanged { get; init; }

    /// <summary>The clock the poll waits on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
