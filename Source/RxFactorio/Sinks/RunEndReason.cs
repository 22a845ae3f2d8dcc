namespace RxFactorio.Sinks;

/// <summary>Why a run was finished.</summary>
public enum RunEndReason
{
    /// <summary>A <c>session_init</c> arrived on the run's source (a new game, or a save loaded).</summary>
    NewSession,

    /// <summary>An event of another session arrived on the run's source.</summary>
    SessionChanged,

    /// <summary>No event for the idle timeout; a later event of the same session resumes the run.</summary>
    Idle,

    /// <summary>The source ended or the pipeline shut down.</summary>
    Shutdown,
}
