using System.Buffers;
using System.Text.Json;

namespace RxFactorio.Benchmarks.Baseline;

/// <summary>
/// The baseline: split the same chunks on <c>\n</c> (a line across two chunks is copied into a
/// carry buffer) and <c>JsonSerializer.Deserialize</c> each line's UTF-8 bytes into a
/// <see cref="StatsDto"/> with the source-generated context. No UTF-16 decoding, no strings per
/// line other than what the deserializer makes: a fair, not a straw-man, baseline.
/// </summary>
internal sealed class BaselineIngest
{
    private byte[] _carry = new byte[16 * 1024];
    private int _carryLength;

    /// <summary>Deserializes every line; returns a checksum so that nothing is optimized away.</summary>
    public long Run(ReadOnlySequence<byte>[] chunks)
    {
        long checksum = 0;
        _carryLength = 0;
        foreach (var chunk in chunks)
        {
            var reader = new SequenceReader<byte>(chunk);
            if (_carryLength > 0)
            {
                if (!reader.TryReadTo(out ReadOnlySpan<byte> tail, (byte)'\n'))
                {
                    Append(reader.UnreadSpan);
                    continue;
                }
                Append(tail);
                checksum += Deserialize(_carry.AsSpan(0, _carryLength));
                _carryLength = 0;
            }
            while (reader.TryReadTo(out ReadOnlySpan<byte> line, (byte)'\n'))
            {
                checksum += Deserialize(line);
            }
            Append(reader.UnreadSpan);
        }
        if (_carryLength > 0)
        {
            checksum += Deserialize(_carry.AsSpan(0, _carryLength));
        }
        return checksum;
    }

    private static long Deserialize(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }
        if (line.IsEmpty)
        {
            return 0;
        }
        var stats = JsonSerializer.Deserialize(line, BaselineJsonContext.Default.StatsDto)!;
        return stats.Cycle + stats.ProductsProduction.Count + stats.MaterialsConsumption.Count;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_carryLength + bytes.Length > _carry.Length)
        {
            Array.Resize(ref _carry, Math.Max(_carry.Length * 2, _carryLength + bytes.Length));
        }
        bytes.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += bytes.Length;
    }
}
