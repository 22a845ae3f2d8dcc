namespace RxFactorio.Events;

/// <summary>
/// Finds a <c>\uXXXX</c> escape that names a lone UTF-16 surrogate (<c>"\ud800"</c>, <c>"\udc00x"</c>):
/// valid JSON syntax that no Unicode string can hold, so <see cref="System.Text.Json.Utf8JsonReader"/>
/// throws when such a string is read. One scan of the line, before it is parsed, covers every
/// string in it (names, values, fields that are skipped). A backslash appears only inside JSON
/// strings, so the scan needs no tokenizing: it steps from escape to escape.
/// </summary>
internal static class SurrogateEscapes
{
    /// <summary>The index of the first lone-surrogate escape's backslash, or -1.</summary>
    public static int FindLone(ReadOnlySpan<byte> json)
    {
        var at = Next(json, 0);
        while (at >= 0)
        {
            if (at + 1 >= json.Length)
            {
                return -1;
            }
            if (json[at + 1] != (byte)'u' || !TryHex4(json, at + 2, out var unit))
            {
                // \n, \", \\ … (or a broken escape, which the JSON reader reports).
                at = Next(json, at + 2);
                continue;
            }
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return at;
            }
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var low = at + 6;
                if (low + 1 >= json.Length || json[low] != (byte)'\\' || json[low + 1] != (byte)'u'
                    || !TryHex4(json, low + 2, out var second) || second is < 0xDC00 or > 0xDFFF)
                {
                    return at;
                }
                at = Next(json, low + 6);
                continue;
            }
            at = Next(json, at + 6);
        }
        return -1;
    }

    private static int Next(ReadOnlySpan<byte> json, int from)
    {
        if (from >= json.Length)
        {
            return -1;
        }
        var found = json[from..].IndexOf((byte)'\\');
        return found < 0 ? -1 : from + found;
    }

    private static bool TryHex4(ReadOnlySpan<byte> json, int from, out int value)
    {
        value = 0;
        if (from + 4 > json.Length)
        {
            return false;
        }
        foreach (var b in json.Slice(from, 4))
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }
}
