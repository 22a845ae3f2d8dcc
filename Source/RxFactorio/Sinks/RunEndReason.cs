namespace RxFactorio.Sinks;

/// <summary>Why a run was finished.</summary>
public enum RunEndReason
{
    /// <summary>A <c>session_init</c> of the run's session arrived on its source (a new play-through of that session).</summary>
    NewSession,

    /// <summary>
    /// The run's session was quiet for <see cref="Runs.RunOptions.SessionGrace"/> while another session
    /// of its source went on (another save loaded, or one of several games stopped); a later event of
    /// the session resumes the run unless a new run started on the source meanwhile.
    /// </summary>
    SessionChanged,

    /// <summary>No event for the idle timeout; a later event of the same session resumes the run (unless a new run started on the source meanwhile).</summary>
    Idle,

    /// <summary>The source ended or the pipeline shut down.</summary>
    Shutdown,
}
