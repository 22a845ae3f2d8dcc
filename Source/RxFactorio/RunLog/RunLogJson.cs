using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RxFactorio.RunLog;

/// <summary>The JSON text of W&amp;B <c>value_json</c> fields and run files.</summary>
internal static class RunLogJson
{
    /// <summary>Keeps non-ASCII text (emoji, accents) as UTF-8, which JSON and YAML both accept.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, SkipValidation = true };

    /// <summary>
    /// A number in shortest round-trip form (<c>0.5</c>, <c>216000</c>, <c>1E+20</c>); NaN and the
    /// infinities as the bare tokens W&amp;B reads and writes (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>).
    /// </summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

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

    /// <summary>A JSON string literal.</summary>
    public static string String(string value)
    {
        value = WellFormed(value);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(value.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStringValue(value);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
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
