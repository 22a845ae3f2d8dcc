using System.Text;
using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>
/// Encodes a history row straight into the protobuf bytes of its <c>Record { num, history }</c>
/// (wandb_record.proto: <c>HistoryRecord { repeated HistoryItem item = 1; HistoryStep step = 2; }</c>,
/// <c>HistoryItem { string key = 1; string value_json = 16; }</c>), the same bytes Google.Protobuf
/// writes, without building message objects or number strings: each value is formatted once, as
/// UTF-8, into one reused buffer, and the record's header goes in front of the history once its
/// length is known (no second copy). The bytes of each item up to its value (key tag, key, value
/// tag) are cached per key. Not thread-safe.
/// </summary>
internal sealed class HistoryRecordEncoder
{
    private const int MaxCachedKeys = 8192;
    private const byte RecordNumTag = (1 << 3) | 0;
    private const byte RecordHistoryTag = (2 << 3) | 2;
    private const byte ItemTag = (1 << 3) | 2;
    private const byte StepTag = (2 << 3) | 2;
    private const byte KeyTag = (1 << 3) | 2;
    private const byte StepNumTag = (1 << 3) | 0;
    private const int MaxVarint = 10;

    /// <summary>Room before the history for the record's header: num tag and varint, history tag and length varint.</summary>
    private const int HeaderRoom = 1 + MaxVarint + 1 + MaxVarint;

    private static readonly byte[] StepPrefix = Prefix("_step");
    private static readonly byte[] RuntimePrefix = Prefix("_runtime");
    private static readonly byte[] TimestampPrefix = Prefix("_timestamp");

    private readonly Dictionary<string, byte[]> _prefixes = new(StringComparer.Ordinal);
    private readonly Runs.InstanceCache<byte[]> _recent = new();
    private byte[] _buffer = new byte[16 * 1024];
    private int _length;

    /// <summary>The record's bytes; valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(long num, HistoryRow row)
    {
        _length = HeaderRoom;
        Span<byte> number = stackalloc byte[JsonNumbers.MaxLength];
        WriteItem(StepPrefix, number[..JsonNumbers.Write(row.Step, number)]);
        WriteItem(RuntimePrefix, number[..JsonNumbers.Write(row.Runtime, number)]);
        WriteItem(TimestampPrefix, number[..JsonNumbers.Write(JsonNumbers.UnixSeconds(row.Timestamp), number)]);
        foreach (var (key, value) in row.Values.AsSpan())
        {
            WriteItem(PrefixOf(key), number[..JsonNumbers.Write(value, number)]);
        }
        foreach (var (key, json) in row.JsonValues.IsDefault ? [] : row.JsonValues.AsSpan())
        {
            // NOTE: value_json holds any JSON; an image is W&B's image-file object (WandbJsonLines.ImageFile).
            WriteItem(PrefixOf(key), Encoding.UTF8.GetBytes(json));
        }
        Ensure(2 + 2 * MaxVarint);
        _buffer[_length++] = StepTag;
        _length += WriteVarint(_buffer.AsSpan(_length), (ulong)(1 + VarintLength((ulong)row.Step)));
        _buffer[_length++] = StepNumTag;
        _length += WriteVarint(_buffer.AsSpan(_length), (ulong)row.Step);

        Span<byte> header = stackalloc byte[HeaderRoom];
        var headerLength = 0;
        header[headerLength++] = RecordNumTag;
        headerLength += WriteVarint(header[headerLength..], (ulong)num);
        header[headerLength++] = RecordHistoryTag;
        headerLength += WriteVarint(header[headerLength..], (ulong)(_length - HeaderRoom));
        var start = HeaderRoom - headerLength;
        header[..headerLength].CopyTo(_buffer.AsSpan(start));
        return _buffer.AsSpan(start, _length - start);
    }

    /// <summary>An item's bytes before its value's length: key tag, key length, key, value_json tag.</summary>
    private static byte[] Prefix(string key)
    {
        var utf8 = Encoding.UTF8.GetBytes(RunLogJson.WellFormed(key));
        var prefix = new byte[1 + VarintLength((ulong)utf8.Length) + utf8.Length + 2];
        prefix[0] = KeyTag;
        var at = 1 + WriteVarint(prefix.AsSpan(1), (ulong)utf8.Length);
        utf8.CopyTo(prefix.AsSpan(at));
        prefix[^2] = (16 << 3) | 2 | 0x80;
        prefix[^1] = 1;
        return prefix;
    }

    private byte[] PrefixOf(string key)
    {
        if (_recent.TryGet(key, out var prefix))
        {
            return prefix;
        }
        if (!_prefixes.TryGetValue(key, out prefix))
        {
            prefix = Prefix(key);
            if (_prefixes.Count < MaxCachedKeys)
            {
                _prefixes[key] = prefix;
            }
        }
        _recent.Set(key, prefix);
        return prefix;
    }

    private void WriteItem(byte[] prefix, ReadOnlySpan<byte> valueJson)
    {
        var length = prefix.Length + VarintLength((ulong)valueJson.Length) + valueJson.Length;
        Ensure(1 + MaxVarint + length);
        var buffer = _buffer.AsSpan();
        var at = _length;
        buffer[at++] = ItemTag;
        at += WriteVarint(buffer[at..], (ulong)length);
        // NOTE: span copies (a memmove): Array.CopyTo checks the arrays' types first, which costs more than a key's few bytes.
        prefix.AsSpan().CopyTo(buffer[at..]);
        at += prefix.Length;
        at += WriteVarint(buffer[at..], (ulong)valueJson.Length);
        valueJson.CopyTo(buffer[at..]);
        _length = at + valueJson.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }
}
