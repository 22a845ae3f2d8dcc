using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using RxFactorio.Runs;

namespace RxFactorio.RunLog;

/// <summary>
/// Reads a history record straight from its protobuf bytes, the inverse of
/// <see cref="HistoryRecordEncoder"/>: <c>Record { num = 1; history = 2 }</c> with
/// <c>HistoryRecord { repeated HistoryItem item = 1; HistoryStep step = 2; }</c> and
/// <c>HistoryItem { string key = 1; string value_json = 16; }</c>, without building message
/// objects or value strings; key strings are cached. It reads only what the encoder writes (plain
/// keys, numbers or the bare NaN/±Infinity tokens as values); anything else (another record type,
/// nested keys, a non-numeric value, other fields) is left to the generated parser: <see cref="TryDecode(ReadOnlySpan{byte}, out long, out HistoryRow)"/>
/// returns false and the caller parses the record as usual. <see cref="TryDecodeLine"/> writes the row's W&amp;B
/// history line instead (as <see cref="Wandb.WandbJsonLines.HistoryLine"/> writes it) with the values' text copied
/// from their <c>value_json</c>, as the encoder wrote it, not parsed and formatted again. Not thread-safe.
/// </summary>
internal sealed class HistoryRecordDecoder
{
    private const int MaxCachedKeys = 8192;
    private const int MaxStackKeyChars = 256;
    private const uint RecordNumTag = (1 << 3) | 0;
    private const uint RecordHistoryTag = (2 << 3) | 2;
    private const uint ItemTag = (1 << 3) | 2;
    private const uint StepTag = (2 << 3) | 2;
    private const uint KeyTag = (1 << 3) | 2;
    private const uint ValueJsonTag = (16 << 3) | 2;
    private const uint StepNumTag = (1 << 3) | 0;

    private readonly Dictionary<string, string> _keyCache = new(StringComparer.Ordinal);
    private List<string> _rowKeys = [];
    private List<string> _previousRowKeys = [];
    private readonly ImmutableArray<KeyValuePair<string, double>>.Builder _values = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>();
    private readonly List<(Range Key, Range Json)> _valueText = [];
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _lineWriter;

    public HistoryRecordDecoder()
    {
        _lineWriter = new Utf8JsonWriter(_line, Wandb.WandbJsonLines.WriterOptions);
    }

    /// <summary>Decodes <paramref name="payload"/> when it is a plain history record, as <see cref="RunLogReader.ToRow"/> would.</summary>
    /// <param name="payload">A log record's bytes.</param>
    /// <param name="num">The record's <c>num</c>.</param>
    /// <param name="row">The row.</param>
    /// <returns>False when the record is anything else; then nothing is decoded.</returns>
    public bool TryDecode(ReadOnlySpan<byte> payload, out long num, out HistoryRow row)
    {
        row = null!;
        return TryPeek(payload, out num, out var start, out var length) && TryDecodeHistory(payload.Slice(start, length), withLine: false, out row, out _);
    }

    /// <summary>
    /// Reads <paramref name="payload"/> like <see cref="TryDecode(ReadOnlySpan{byte}, out long, out HistoryRow)"/>, but
    /// instead of the row's values writes its W&amp;B history line, and notes its keys in <see cref="Keys"/>: what the
    /// shipper sends, without a row's values held in memory.
    /// </summary>
    /// <param name="payload">A log record's bytes.</param>
    /// <param name="num">The record's <c>num</c>.</param>
    /// <param name="fields">The row's step, tick, runtime and timestamp.</param>
    /// <param name="line">The row's history line as UTF-8, its values' text as the log holds it; valid until the next call.</param>
    /// <returns>False when the record is anything else; then nothing is decoded.</returns>
    public bool TryDecodeLine(ReadOnlySpan<byte> payload, out long num, out HistoryRowFields fields, out ReadOnlySpan<byte> line)
    {
        line = default;
        fields = default;
        if (!TryPeek(payload, out num, out var start, out var length) || !TryDecodeHistory(payload.Slice(start, length), withLine: true, out _, out fields))
        {
            return false;
        }
        line = _line.WrittenSpan;
        return true;
    }

    /// <summary>
    /// The keys of the values of the row <see cref="TryDecodeLine"/> read last, in order (W&amp;B's own keys left out);
    /// the same strings from row to row.
    /// </summary>
    public IReadOnlyList<string> Keys => _rowKeys;

    /// <summary>
    /// Whether <see cref="Keys"/> differ from the row read before it (always true for the first row after
    /// <see cref="ForgetKeys"/>), so that a reader of many rows looks at their keys only when they change.
    /// </summary>
    public bool KeysChanged { get; private set; }

    /// <summary>Makes the next row's <see cref="KeysChanged"/> true.</summary>
    public void ForgetKeys() => _rowKeys.Clear();

    /// <summary>Whether <paramref name="payload"/> is a record of a <c>num</c> and a history only (its items not read yet).</summary>
    /// <param name="payload">A log record's bytes.</param>
    /// <param name="num">The record's <c>num</c>.</param>
    public static bool IsHistory(ReadOnlySpan<byte> payload, out long num) => TryPeek(payload, out num, out _, out _);

    private static bool TryPeek(ReadOnlySpan<byte> payload, out long num, out int historyStart, out int historyLength)
    {
        num = 0;
        historyStart = -1;
        historyLength = 0;
        var total = payload.Length;
        while (!payload.IsEmpty)
        {
            if (!TryVarint(ref payload, out var tag))
            {
                return false;
            }
            if (tag == RecordNumTag && TryVarint(ref payload, out var value))
            {
                num = (long)value;
            }
            else if (tag == RecordHistoryTag && TryLength(ref payload, out var length))
            {
                historyStart = total - payload.Length;
                historyLength = length;
                payload = payload[length..];
            }
            else
            {
                return false;
            }
        }
        return historyStart >= 0;
    }

    /// <summary>Reads a history message: with <paramref name="withLine"/> its line and keys (no row), else its row.</summary>
    private bool TryDecodeHistory(ReadOnlySpan<byte> history, bool withLine, out HistoryRow row, out HistoryRowFields fields)
    {
        row = null!;
        _values.Clear();
        _valueText.Clear();
        if (withLine)
        {
            (_previousRowKeys, _rowKeys) = (_rowKeys, _previousRowKeys);
            _rowKeys.Clear();
        }
        fields = new HistoryRowFields(0);
        long stepNum = 0;
        var record = history;
        while (!history.IsEmpty)
        {
            if (!TryVarint(ref history, out var tag) || !TryLength(ref history, out var length))
            {
                return Declined();
            }
            var fieldStart = record.Length - history.Length;
            var field = history[..length];
            history = history[length..];
            if (tag == StepTag)
            {
                if (!TryStep(field, out stepNum))
                {
                    return Declined();
                }
                continue;
            }
            if (tag != ItemTag || !TryItem(field, out var key, out var value, out var keyText, out var jsonText))
            {
                return Declined();
            }
            if (fields.Take(key, value))
            {
                continue;
            }
            if (withLine)
            {
                _valueText.Add((Shift(keyText, fieldStart), Shift(jsonText, fieldStart)));
                _rowKeys.Add(key);
            }
            else
            {
                _values.Add(new(key, value));
            }
        }
        if (!fields.StepFromItem)
        {
            fields.Step = stepNum;
        }
        if (withLine)
        {
            WriteLine(record, fields);
            KeysChanged = !SameKeys(_rowKeys, _previousRowKeys);
        }
        else
        {
            row = new HistoryRow(fields.Step, fields.Tick, fields.Runtime, fields.Timestamp, _values.ToImmutable());
        }
        return true;

        bool Declined()
        {
            if (withLine)
            {
                // NOTE: the row read before stays the one the next row's keys are compared with.
                (_previousRowKeys, _rowKeys) = (_rowKeys, _previousRowKeys);
            }
            return false;
        }
    }

    /// <summary>Whether two rows have the same keys in the same order (the cached strings, compared by reference).</summary>
    private static bool SameKeys(List<string> a, List<string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static Range Shift(Range range, int by) => new(range.Start.Value + by, range.End.Value + by);

    /// <summary>Writes the row's history line into the line buffer: W&amp;B's keys first, then each value's key and <c>value_json</c> text.</summary>
    private void WriteLine(ReadOnlySpan<byte> record, in HistoryRowFields fields)
    {
        _line.ResetWrittenCount();
        _lineWriter.Reset(_line);
        Wandb.WandbJsonLines.WriteReservedKeys(_lineWriter, fields.Step, fields.Runtime, fields.Timestamp);
        foreach (var (key, json) in _valueText)
        {
            _lineWriter.WritePropertyName(record[key]);
            _lineWriter.WriteRawValue(record[json], skipInputValidation: true);
        }
        _lineWriter.WriteEndObject();
        _lineWriter.Flush();
    }

    private static bool TryStep(ReadOnlySpan<byte> field, out long step)
    {
        step = 0;
        while (!field.IsEmpty)
        {
            if (!TryVarint(ref field, out var tag) || tag != StepNumTag || !TryVarint(ref field, out var value))
            {
                return false;
            }
            step = (long)value;
        }
        return true;
    }

    /// <summary>An item's key and number; <paramref name="keyText"/> and <paramref name="jsonText"/> say where their bytes are in <paramref name="item"/>.</summary>
    private bool TryItem(ReadOnlySpan<byte> item, out string key, out double value, out Range keyText, out Range jsonText)
    {
        key = "";
        value = 0;
        keyText = default;
        jsonText = default;
        ReadOnlySpan<byte> keyBytes = default, json = default;
        bool hasKey = false, hasValue = false;
        var whole = item.Length;
        while (!item.IsEmpty)
        {
            if (!TryVarint(ref item, out var tag) || !TryLength(ref item, out var length))
            {
                return false;
            }
            var start = whole - item.Length;
            var field = item[..length];
            item = item[length..];
            switch (tag)
            {
                case KeyTag:
                    keyBytes = field;
                    keyText = new Range(start, start + length);
                    hasKey = true;
                    break;
                case ValueJsonTag:
                    json = field;
                    jsonText = new Range(start, start + length);
                    hasValue = true;
                    break;
                default:
                    return false;
            }
        }
        if (!hasKey || !hasValue || !TryNumber(json, out value) || !System.Text.Unicode.Utf8.IsValid(keyBytes))
        {
            return false;
        }
        key = Key(keyBytes);
        return true;
    }

    /// <summary>A number as <see cref="RunLogJson.ParseNumber"/> reads it; false for anything else (a string, an object: left to the parser).</summary>
    private static bool TryNumber(ReadOnlySpan<byte> json, out double value)
    {
        if (json.SequenceEqual("NaN"u8))
        {
            value = double.NaN;
            return true;
        }
        if (json.SequenceEqual("Infinity"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (json.SequenceEqual("-Infinity"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        value = 0;
        return !json.IsEmpty && (char.IsAsciiDigit((char)json[0]) || json[0] == '-')
            && Utf8Parser.TryParse(json, out value, out var consumed) && consumed == json.Length;
    }

    private string Key(ReadOnlySpan<byte> utf8)
    {
        var length = Encoding.UTF8.GetCharCount(utf8);
        var chars = length <= MaxStackKeyChars ? stackalloc char[length] : new char[length];
        Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _keyCache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var cached))
        {
            return cached;
        }
        var key = new string(chars);
        if (_keyCache.Count < MaxCachedKeys)
        {
            _keyCache[key] = key;
        }
        return key;
    }

    /// <summary>A length-delimited field's length, checked against what is left.</summary>
    private static bool TryLength(ref ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        if (!TryVarint(ref data, out var value) || value > (ulong)data.Length)
        {
            return false;
        }
        length = (int)value;
        return true;
    }

    private static bool TryVarint(ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < data.Length; i++)
        {
            value |= (ulong)(data[i] & 0x7F) << (7 * i);
            if ((data[i] & 0x80) == 0)
            {
                data = data[(i + 1)..];
                return true;
            }
        }
        return false;
    }
}
