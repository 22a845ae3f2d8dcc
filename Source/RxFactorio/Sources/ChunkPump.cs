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
    /// </summary>
    public static async Task RunAsync(
        Stream stream,
        string name,
        ILogger logger,
        IObserver<ReadOnlySequence<byte>> observer,
        Action? afterChunk,
        CancellationToken cancellationToken)
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
