namespace RxFactorio.Sources;

/// <summary>Options for <see cref="ByteSources.FromFifo"/>.</summary>
public sealed record FifoSourceOptions
{
    /// <summary>Create the named pipe if the path does not exist. Default true.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>
    /// Permissions of a FIFO this source creates. Default 0600 (owner read/write), since the
    /// game runs as the same user.
    /// </summary>
    public UnixFileMode CreateMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Called on the read loop when the source's <see cref="SourceState"/> changes:
    /// <see cref="SourceState.Open"/> once the FIFO exists (created if need be) and is held open,
    /// <see cref="SourceState.Closed"/> when the subscription is disposed, and
    /// <see cref="SourceState.Failed"/> before an error is reported (e.g. the path is not a FIFO).
    /// Must be quick and must not throw.
    /// </summary>
    public Action<SourceState>? StateChanged { get; init; }
}
