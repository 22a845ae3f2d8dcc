using System.Buffers;

namespace RxFactorio.Framing;

/// <summary>
/// One line of a source, without its terminator. The bytes are BORROWED: they are valid only
/// inside the <c>OnNext</c> call that delivers the line; copy what you keep.
/// </summary>
public readonly struct Line
{
    /// <summary>Creates a line.</summary>
    /// <param name="bytes">The line's bytes, without <c>\n</c> or <c>\r\n</c>.</param>
    /// <param name="source">The source's display name.</param>
    /// <param name="number">The 1-based physical line number in the source.</param>
    /// <param name="endOffset">The byte offset in the source just after the line's terminator.</param>
    public Line(ReadOnlySequence<byte> bytes, string source, long number, long endOffset)
    {
        Bytes = bytes;
        Source = source;
        Number = number;
        EndOffset = endOffset;
    }

    /// <summary>The line's bytes, without <c>\n</c> or <c>\r\n</c>; borrowed.</summary>
    public ReadOnlySequence<byte> Bytes { get; }

    /// <summary>The source's display name (a path, or <c>-</c> for stdin).</summary>
    public string Source { get; }

    /// <summary>The 1-based physical line number in the source (empty lines count).</summary>
    public long Number { get; }

    /// <summary>The byte offset in the source just after this line's terminator: where reading resumes after it.</summary>
    public long EndOffset { get; }
}
