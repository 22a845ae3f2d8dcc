using System.Buffers.Binary;

namespace RxFactorio.Tests.RunLog;

/// <summary>An independent walk over a .wandb file's chunks, for checking where the writer put them.</summary>
internal static class Chunks
{
    public const int Block = 32 * 1024;

    public static List<(long Offset, byte Type, int Length)> List(byte[] file)
    {
        var chunks = new List<(long, byte, int)>();
        long pos = 7;
        while (pos < file.Length)
        {
            var left = Block - (int)(pos % Block);
            if (left < 7)
            {
                Assert.That(file.AsSpan((int)pos, Math.Min(left, file.Length - (int)pos)).ToArray(), Is.All.EqualTo((byte)0), $"padding at {pos}");
                pos += left;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)pos + 4));
            chunks.Add((pos, file[pos + 6], length));
            pos += 7 + length;
        }
        return chunks;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
