using System.Buffers.Binary;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// Reads what the harness records for the UDP transport: every datagram the mod passed to
/// <c>helpers.send_udp</c>, each as a 4-byte big-endian length and its bytes (Lua <c>string.pack(">s4", data)</c>).
/// </summary>
internal static class UdpDatagramFile
{
    public static IReadOnlyList<byte[]> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var datagrams = new List<byte[]>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 4)
            {
                throw new InvalidDataException($"{path}: {bytes.Length - offset} stray bytes at offset {offset}");
            }
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset, 4));
            offset += 4;
            if (length > bytes.Length - offset)
            {
                throw new InvalidDataException($"{path}: datagram of {length} bytes at offset {offset - 4} runs past the end");
            }
            datagrams.Add(bytes.AsSpan(offset, length).ToArray());
            offset += length;
        }
        return datagrams;
    }
}
