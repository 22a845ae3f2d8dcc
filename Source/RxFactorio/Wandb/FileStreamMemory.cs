using Microsoft.IO;

namespace RxFactorio.Wandb;

/// <summary>
/// The pooled memory file_stream requests are built in (<see cref="RecyclableMemoryStream"/>): escaped lines
/// (<see cref="EscapedLines"/>) and written bodies (<see cref="FileStreamBody"/>), in blocks below the
/// large-object threshold, reused from request to request.
/// </summary>
internal static class FileStreamMemory
{
    private const int BlockBytes = 64 << 10;

    private static readonly RecyclableMemoryStreamManager Streams = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = BlockBytes,
        // Everything is written as blocks, never as one large buffer; what is pooled between requests stays bounded.
        MaximumSmallPoolFreeBytes = 16L << 20,
        MaximumLargePoolFreeBytes = 0,
    });

    /// <summary>An empty stream; disposing it returns its blocks.</summary>
    public static RecyclableMemoryStream Rent(string tag) => Streams.GetStream(tag);
}
