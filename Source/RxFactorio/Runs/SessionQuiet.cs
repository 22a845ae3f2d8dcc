namespace RxFactorio.Runs;

/// <summary>How long a run's session has been quiet: when it was last seen, on its source's <see cref="SessionClock"/>.</summary>
internal sealed class SessionQuiet
{
    /// <summary>The source's clock at the session's last event.</summary>
    public TimeSpan LastSeen { get; set; }

    /// <summary>The source's count of events at the session's last event: a larger count later means another session spoke since.</summary>
    public long LastSequence { get; set; }

    /// <summary>Game time: the source's clock when the session's play (re)started, less what it had played before.</summary>
    public TimeSpan Base { get; set; }

    /// <summary>Game time: how long the session has played in this run (positive tick steps / 60).</summary>
    public TimeSpan Played { get; set; }

    /// <summary>Game time: the session's last tick.</summary>
    public long? PreviousTick { get; set; }
}
