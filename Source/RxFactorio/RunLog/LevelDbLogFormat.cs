using System.Buffers.Binary;
using System.IO.Hashing;

namespace RxFactorio.RunLog;

/// <summary>
/// The framing of a W&amp;B <c>.wandb</c> transaction log (LevelDB log format with a W&amp;B file
/// header): a 7-byte header, then 32 KiB blocks of chunks
/// <c>crc32 (u32 LE) | length (u16 LE) | type (u8) | payload</c>. The checksum is plain
/// CRC-32/IEEE over the type byte and the payload, not LevelDB's masked CRC-32C.
/// </summary>
internal static class LevelDbLogFormat
{
    /// <summary>The block size: 32 KiB. Chunks never cross a block boundary.</summary>
    public const int BlockSize = 32 * 1024;

    /// <summary>The size of a chunk header: checksum (4), length (2), type (1).</summary>
    public const int ChunkHeaderSize = 7;

    /// <summary>The size of the W&amp;B file header.</summary>
    public const int FileHeaderSize = 7;

    /// <summary>The W&amp;B file header: ident <c>":W&amp;B"</c>, magic <c>0xBEE1</c> (u16 LE), version 0.</summary>
    public static ReadOnlySpan<byte> FileHeader => [0x3A, 0x57, 0x26, 0x42, 0xE1, 0xBE, 0x00];

    /// <summary>CRC-32/IEEE (zlib's <c>crc32</c>) of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    public static uint Crc32(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>The checksum of a chunk: CRC-32/IEEE over the type byte followed by the payload.</summary>
    /// <param name="type">The chunk type.</param>
    /// <param name="payload">The chunk's payload.</param>
    public static uint ChunkChecksum(ChunkType type, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append([(byte)type]);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Writes a chunk header for <paramref name="payload"/> into <paramref name="header"/> (7 bytes).</summary>
    internal static void WriteChunkHeader(Span<byte> header, ChunkType type, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, ChunkChecksum(type, payload));
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)payload.Length);
        header[6] = (byte)type;
    }
}

/// <summary>The type of a chunk: a whole record, or the first, a middle or the last piece of one.</summary>
internal enum ChunkType : byte
{
    /// <summary>Zero bytes: never written as a chunk; a header of all zeros is block padding.</summary>
    Zero = 0,

    /// <summary>A whole record.</summary>
    Full = 1,

    /// <summary>The first piece of a record.</summary>
    First = 2,

    /// <summary>A middle piece of a record.</summary>
    Middle = 3,

    /// <summary>The last piece of a record.</summary>
    Last = 4,
}
