using System.Buffers;
using Microsoft.IO;

namespace RxFactorio.Wandb;

/// <summary>
/// Lines of one file as a file_stream body carries them: each JSON-escaped once, in quotes, one after
/// the other with commas between them, in pooled memory (<see cref="FileStreamMemory"/>). Request bodies
/// send runs of them as they are (<see cref="Slice"/>). Counted references: the creator holds one,
/// each request built on the lines takes one (<see cref="Retain"/>), and the blocks go back to the pool
/// with the last <see cref="Release"/>. Adding is not thread-safe; copying and releasing are.
/// </summary>
internal sealed class EscapedLines
{
    private readonly RecyclableMemoryStream _bytes = FileStreamMemory.Rent("escaped-lines");
    private readonly List<long> _starts = [];
    private int _references = 1;

    /// <summary>How many lines there are.</summary>
    public int Count => _starts.Count;

    /// <summary>A line's bytes in a body: escaped, in quotes, with its comma.</summary>
    /// <param name="index">The line.</param>
    public long Cost(int index) => End(index) - _starts[index] + (index == 0 ? 1 : 0);

    /// <summary>Appends a line already escaped and in quotes.</summary>
    /// <param name="quoted">The line as JSON string text.</param>
    public void Add(ReadOnlySpan<byte> quoted)
    {
        _starts.Add(_bytes.Length);
        if (_starts.Count > 1)
        {
            _bytes.WriteByte((byte)',');
        }
        _bytes.Write(quoted);
    }

    /// <summary>Lines <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1, comma-separated, as a body carries them; valid while a reference is held.</summary>
    /// <param name="first">The first line.</param>
    /// <param name="count">How many lines.</param>
    public ReadOnlySequence<byte> Slice(int first, int count)
    {
        if (count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        // NOTE: each line after the first carries its leading comma; the run's first line is taken without its own.
        var start = _starts[first] + (first > 0 ? 1 : 0);
        return _bytes.GetReadOnlySequence().Slice(start, End(first + count - 1) - start);
    }

    /// <summary>One more reference: the lines stay until it is released.</summary>
    public EscapedLines Retain()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>Gives a reference back; the last one returns the memory to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _bytes.Dispose();
        }
    }

    private long End(int index) => index + 1 < _starts.Count ? _starts[index + 1] : _bytes.Length;
}
