using System.Buffers.Binary;

namespace RxFactorio.RunLog.Media;

/// <summary>A PNG's pixel size, read from its <c>IHDR</c> chunk (the PNG specification, "PNG signature" and "IHDR Image header").</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
internal readonly record struct PngSize(int Width, int Height)
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Ihdr => "IHDR"u8;

    /// <summary>The size of the PNG in <paramref name="bytes"/>; <c>null</c> unless it starts with the 8-byte signature and a well-formed <c>IHDR</c>.</summary>
    public static PngSize? Read(ReadOnlySpan<byte> bytes)
    {
        // signature (8), IHDR length (4) = 13, type (4), width (4), height (4), 5 more bytes, CRC (4)
        if (bytes.Length < 33 || !bytes[..8].SequenceEqual(Signature)
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13 || !bytes[12..16].SequenceEqual(Ihdr))
        {
            return null;
        }
        var width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]);
        return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : new PngSize((int)width, (int)height);
    }
}
