using System.Buffers;
using System.Text;
using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>
/// Encodes a history row straight into the protobuf bytes of its <c>Record { num, history }</c>
/// (wandb_record.proto: <c>HistoryRecord { repeated HistoryItem item = 1; HistoryStep step = 2; }</c>,
/// <c>HistoryItem { string key = 1; string value_json = 16; }</c>), the same bytes Google.Protobuf
/// writes, without building message objects or number strings: each value is formatted once, as
/// UTF-8, into the record. Key bytes are cached per key. Not thread-safe.
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
    private static readonly byte[] ValueJsonTag = [(16 << 3) | 2 | 0x80, 1];
    private static readonly byte[] StepKey = Encoding.UTF8.GetBytes("_step");
    private static readonly byte[] RuntimeKey = Encoding.UTF8.GetBytes("_runtime");
    private static readonly byte[] TimestampKey = Encoding.UTF8.GetBytes("_timestamp");

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _history = new(4096);
    private readonly ArrayBufferWriter<byte> _record = new(4096);

    /// <summary>The record's bytes; valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(long num, HistoryRow row)
    {
        _history.ResetWrittenCount();
        _record.ResetWrittenCount();
        Span<byte> number = stackalloc byte[JsonNumbers.MaxLength];
        WriteItem(StepKey, number[..JsonNumbers.Write(row.Step, number)]);
        WriteItem(RuntimeKey, number[..JsonNumbers.Write(row.Runtime, number)]);
        WriteItem(TimestampKey, number[..JsonNumbers.Write(JsonNumbers.UnixSeconds(row.Timestamp), number)]);
        foreach (var (key, value) in row.Values)
        {
            WriteItem(Key(key), number[..JsonNumbers.Write(value, number)]);
        }
        foreach (var (key, json) in row.JsonValues.IsDefault ? [] : row.JsonValues.AsSpan())
        {
            // NOTE: value_json holds any JSON; an image is W&B's image-file object (WandbJsonLines.ImageFile).
            WriteItem(Key(key), Encoding.UTF8.GetBytes(json));
        }
        var stepLength = 1 + VarintLength((ulong)row.Step);
        WriteByte(_history, StepTag);
        WriteVarint(_history, (ulong)stepLength);
        WriteByte(_history, StepNumTag);
        WriteVarint(_history, (ulong)row.Step);

        WriteByte(_record, RecordNumTag);
        WriteVarint(_record, (ulong)num);
        WriteByte(_record, RecordHistoryTag);
        WriteVarint(_record, (ulong)_history.WrittenCount);
        _record.Write(_history.WrittenSpan);
        return _record.WrittenSpan;
    }

    private byte[] Key(string key)
    {
        if (_keys.TryGetValue(key, out var bytes))
        {
            return bytes;
        }
        bytes = Encoding.UTF8.GetBytes(RunLogJson.WellFormed(key));
        if (_keys.Count < MaxCachedKeys)
        {
            _keys[key] = bytes;
        }
        return bytes;
    }

    private void WriteItem(ReadOnlySpan<byte> key, ReadOnlySpan<byte> valueJson)
    {
        var length = 1 + VarintLength((ulong)key.Length) + key.Length + ValueJsonTag.Length + VarintLength((ulong)valueJson.Length) + valueJson.Length;
        WriteByte(_history, ItemTag);
        WriteVarint(_history, (ulong)length);
        WriteByte(_history, KeyTag);
        WriteVarint(_history, (ulong)key.Length);
        _history.Write(key);
        _history.Write(ValueJsonTag);
        WriteVarint(_history, (ulong)valueJson.Length);
        _history.Write(valueJson);
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        buffer.Advance(i);
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
