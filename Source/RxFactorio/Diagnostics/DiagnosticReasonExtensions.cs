namespace RxFactorio.Diagnostics;

/// <summary>Facts about each <see cref="DiagnosticReason"/>.</summary>
public static class DiagnosticReasonExtensions
{
    /// <summary>How much of the input a diagnostic with this reason costs.</summary>
    public static DiagnosticSeverity Severity(this DiagnosticReason reason) => reason switch
    {
        DiagnosticReason.UnknownEventType or DiagnosticReason.StaleCycle => DiagnosticSeverity.Skipped,
        DiagnosticReason.BadMetricValue or DiagnosticReason.BadOptionalField or DiagnosticReason.ReservedKey or DiagnosticReason.KeyLimit => DiagnosticSeverity.PartDropped,
        _ => DiagnosticSeverity.Rejected,
    };
}
