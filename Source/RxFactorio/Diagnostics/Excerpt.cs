using System.Buffers;
using System.Text;

namespace RxFactorio.Diagnostics;

/// <summary>Builds the short excerpt of a line that a diagnostic carries, escaped by <see cref="Printable"/>.</summary>
internal static class Excerpt
{
    private const int MaxBytes = IngestDiagnostic.MaxExcerptChars * 4;

    public static string Of(ReadOnlySequence<byte> line)
    {
        Span<byte> head = stackalloc byte[(int)Math.Min(line.Length, MaxBytes)];
        line.Slice(0, head.Length).CopyTo(head);
        return Of(head, line.Length > head.Length);
    }

    public static string Of(ReadOnlySpan<byte> line) =>
        Of(line[..Math.Min(line.Length, MaxBytes)], line.Length > MaxBytes);

    // NOTE: decoding a cut-off head may end in U+FFFD for the half of a character; that is the excerpt's cut, not the line's content.
    private static string Of(ReadOnlySpan<byte> head, bool truncated) =>
        Printable.Of(Encoding.UTF8.GetString(head), IngestDiagnostic.MaxExcerptChars, truncated);
}
