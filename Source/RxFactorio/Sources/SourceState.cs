namespace RxFactorio.Sources;

/// <summary>
/// Where a live source is in its life, as reported to <see cref="TailOptions.StateChanged"/>,
/// <see cref="FifoSourceOptions.StateChanged"/> or the <c>stateChanged</c> callback of
/// <see cref="LiveSources.Open"/>.
/// </summary>
public enum SourceState
{
    /// <summary>Not open yet: a tailed file that does not exist (yet), polled until it appears.</summary>
    Waiting,

    /// <summary>Open and being read: a tailed file (also after a replacement or truncation), a FIFO held open, stdin.</summary>
    Open,

    /// <summary>The read loop ended without an error: the stream reached its end, or the subscription was disposed.</summary>
    Closed,

    /// <summary>The read loop ended with an error (the source's <c>OnError</c> follows).</summary>
    Failed,
}
