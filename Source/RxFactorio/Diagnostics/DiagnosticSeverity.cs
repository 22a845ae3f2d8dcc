namespace RxFactorio.Diagnostics;

/// <summary>How much of the input a diagnostic cost.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The whole line was rejected: it is invalid input.</summary>
    Rejected,

    /// <summary>The line was well-formed but skipped on purpose (an unknown event type, a stale cycle).</summary>
    Skipped,

    /// <summary>Only a part of the line (one value or field) was dropped; the event itself went on.</summary>
    PartDropped,
}
