using System.Net;
using System.Net.Http.Headers;
using Microsoft.IO;

namespace RxFactorio.Wandb;

/// <summary>
/// A written file_stream body as HTTP content (<c>application/json; charset=utf-8</c>): sent from its
/// pooled blocks as they are, as often as the request is retried; disposing it returns the blocks.
/// </summary>
internal sealed class FileStreamContent : HttpContent
{
    private readonly RecyclableMemoryStream _body;

    public FileStreamContent(RecyclableMemoryStream body)
    {
        _body = body;
        Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
    }

    /// <summary>The body's length in bytes.</summary>
    public long Length => _body.Length;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var block in _body.GetReadOnlySequence())
        {
            await stream.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var block in _body.GetReadOnlySequence())
        {
            stream.Write(block.Span);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }
        base.Dispose(disposing);
    }
}
