using System.Buffers;
using System.Text;

namespace RxFactorio.Diagnostics;

/// <summary>Builds the short, printable excerpt of a line that a diagnostic carries.</summary>
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

    private static string Of(ReadOnlySpan<byte> head, bool truncated)
    {
        var text = Encoding.UTF8.GetString(head);
        var builder = new StringBuilder(Math.Min(text.Length, IngestDiagnostic.MaxExcerptChars) + 1);
        foreach (var c in text)
        {
            if (builder.Length == IngestDiagnostic.MaxExcerptChars)
            {
                truncated = true;
                break;
            }
            builder.Append(char.IsControl(c) ? '\uFFFD' : c);
        }
        if (truncated)
        {
            builder.Append('…');
        }
        return builder.ToString();
    }
}
