using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.IO;

namespace RxFactorio.Wandb;

/// <summary>
/// A written file_stream body as HTTP content (<c>application/json; charset=utf-8</c>): the JSON around the
/// lines from its pooled blocks, with each run of escaped lines spliced in where it belongs, sent as they
/// are, as often as the request is retried. It holds a reference to the lines; disposing it returns the
/// blocks and the references.
/// </summary>
internal sealed class FileStreamContent : HttpContent
{
    private readonly RecyclableMemoryStream _frame;
    private readonly IReadOnlyList<Splice> _splices;
    private int _disposed;

    /// <param name="frame">The body without its lines.</param>
    /// <param name="splices">Where in <paramref name="frame"/> which lines go, in order.</param>
    public FileStreamContent(RecyclableMemoryStream frame, IReadOnlyList<Splice> splices)
    {
        _frame = frame;
        _splices = splices;
        foreach (var splice in splices)
        {
            splice.Lines.Retain();
        }
        Length = frame.Length + splices.Sum(s => s.Lines.Slice(s.First, s.Count).Length);
        Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
    }

    /// <summary>Lines <see cref="First"/> to <see cref="First"/> + <see cref="Count"/> - 1 of <see cref="Lines"/>, sent after the first <see cref="At"/> bytes of the frame not yet sent.</summary>
    /// <param name="At">The frame's length when the lines were reached.</param>
    /// <param name="Lines">The escaped lines.</param>
    /// <param name="First">The first line.</param>
    /// <param name="Count">How many lines.</param>
    public readonly record struct Splice(long At, EscapedLines Lines, int First, int Count);

    /// <summary>The body's length in bytes.</summary>
    public long Length { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var part in Parts())
        {
            foreach (var block in part)
            {
                await stream.WriteAsync(block, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var part in Parts())
        {
            foreach (var block in part)
            {
                stream.Write(block.Span);
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        // NOTE: disposed by the request message and by its writer; the references go back once.
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _frame.Dispose();
            foreach (var splice in _splices)
            {
                splice.Lines.Release();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>The frame up to each splice, the splice's lines, and the rest of the frame.</summary>
    private IEnumerable<ReadOnlySequence<byte>> Parts()
    {
        var frame = _frame.GetReadOnlySequence();
        long sent = 0;
        foreach (var splice in _splices)
        {
            yield return frame.Slice(sent, splice.At - sent);
            yield return splice.Lines.Slice(splice.First, splice.Count);
            sent = splice.At;
        }
        yield return frame.Slice(sent);
    }
}
