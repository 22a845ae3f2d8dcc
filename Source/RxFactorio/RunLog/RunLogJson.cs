using System.Globalization;
using System.Text.Json;

namespace RxFactorio.RunLog;

/// <summary>The JSON text of W&amp;B <c>value_json</c> fields and run files.</summary>
internal static class RunLogJson
{
    /// <summary>
    /// A number in shortest round-trip form (<c>0.5</c>, <c>216000</c>, <c>1E+20</c>); NaN and the
    /// infinities as the bare tokens W&amp;B reads and writes (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>).
    /// </summary>
    public static string Number(double value) => JsonNumbers.Text(value);

    /// <summary>Parses a JSON number or one of the bare tokens <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>; <c>null</c> for anything else.</summary>
    public static double? ParseNumber(string json)
    {
        var text = json.Trim();
        switch (text)
        {
            case "NaN":
                return double.NaN;
            case "Infinity":
                return double.PositiveInfinity;
            case "-Infinity":
                return double.NegativeInfinity;
        }
        if (text.Length == 0 || !(char.IsAsciiDigit(text[0]) || text[0] == '-'))
        {
            return null;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>
    /// A JSON string literal that is also a YAML double-quoted scalar: quotes, backslashes, control
    /// characters and the characters YAML treats as line breaks or marks (U+0085, U+2028, U+2029,
    /// U+FEFF) are escaped; everything else (emoji included) stays as it is.
    /// </summary>
    public static string String(string value)
    {
        value = WellFormed(value);
        var text = new System.Text.StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ' or (>= '\u007F' and <= '\u009F') or '\u2028' or '\u2029' or '\uFEFF':
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>The JSON text of a config value: a string, a number, a boolean or null.</summary>
    public static string Value(object? value) => value switch
    {
        null => "null",
        string s => String(s),
        bool b => b ? "true" : "false",
        double d => Number(d),
        float f => Number(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IFormattable n when IsInteger(value) => n.ToString(null, CultureInfo.InvariantCulture),
        _ => String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>Decodes a JSON string literal; <c>null</c> when <paramref name="json"/> is not one.</summary>
    public static string? ParseString(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
            return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary><paramref name="text"/> with any lone surrogate replaced by U+FFFD, as UTF-8 encoding (and protobuf) does.</summary>
    public static string WellFormed(string text) =>
        text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)) : text;

    private static bool IsInteger(object value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or nint or nuint or System.Numerics.BigInteger or Int128 or UInt128;
}
