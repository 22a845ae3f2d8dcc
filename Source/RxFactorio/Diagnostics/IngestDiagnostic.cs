namespace RxFactorio.Diagnostics;

/// <summary>
/// A piece of input that was not accepted as it stood: what was wrong and where (source and
/// 1-based line number). Bad input is data, not an error: the stream goes on after it.
/// </summary>
/// <param name="Reason">What was wrong.</param>
/// <param name="Source">The source's display name (a path, <c>-</c> for stdin).</param>
/// <param name="LineNumber">The 1-based physical line number in that source.</param>
/// <param name="Detail">A short, specific message, e.g. <c>field 'tick' must be an integer</c>.</param>
/// <param name="Excerpt">At most <see cref="MaxExcerptChars"/> characters of the line, never the whole of a long line.</param>
public sealed record IngestDiagnostic(DiagnosticReason Reason, string Source, long LineNumber, string Detail, string Excerpt)
{
    /// <summary>The longest excerpt a diagnostic carries.</summary>
    public const int MaxExcerptChars = 80;

    /// <summary>How much of the input this diagnostic cost.</summary>
    public DiagnosticSeverity Severity => Reason.Severity();

    /// <summary>One readable line, escaped (<see cref="Printable"/>): <c>source:line: reason: detail (excerpt)</c>.</summary>
    public override string ToString() =>
        Excerpt.Length == 0
            ? $"{Printable.Escape(Source)}:{LineNumber}: {Reason}: {Printable.Escape(Detail)}"
            : $"{Printable.Escape(Source)}:{LineNumber}: {Reason}: {Printable.Escape(Detail)} (line starts: {Printable.Escape(Excerpt)})";
}
