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
}
