using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace RxFactorio.Sources;

/// <summary>The read loop every source shares: a <see cref="PipeReader"/> over a stream, chunk by chunk.</summary>
internal static class ChunkPump
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Reads <paramref name="stream"/> until it ends or <paramref name="cancellationToken"/> fires,
    /// lending each chunk to <paramref name="observer"/>. Disposes the stream on the way out and
    /// logs that <paramref name="name"/> was closed. Does not signal completion: the caller's task does.
    /// When <paramref name="startsOver"/> says the stream started over, an empty chunk is lent first
    /// (see <see cref="Framing.FramingExtensions.FrameLines"/>).
    /// </summary>
    public static async Task RunAsync(
        Stream stream,
        string name,
        ILogger logger,
        IObserver<ReadOnlySequence<byte>> observer,
        Action? afterChunk,
        CancellationToken cancellationToken,
        Func<bool>? startsOver = null)
    {
        // useZeroByteReads stays off: on a FIFO a zero-byte read() returns 0 at once, which
        // would read as end of stream.
        var reader = PipeReader.Create(
            stream,
            new StreamPipeReaderOptions(bufferSize: ChunkBytes, minimumReadSize: ChunkBytes, leaveOpen: false));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    // NOTE: each read of the pipe is one read of the stream (the last chunk was consumed
                    // whole), so a start-over reported by the stream belongs to this chunk's first byte.
                    if (startsOver?.Invoke() == true)
                    {
                        observer.OnNext(ReadOnlySequence<byte>.Empty);
                    }
                    // NOTE: the chunk is only lent: AdvanceTo below hands its memory back to the pipe.
                    observer.OnNext(buffer);
                    afterChunk?.Invoke();
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            SourceLog.Closed(logger, name);
        }
    }
}
