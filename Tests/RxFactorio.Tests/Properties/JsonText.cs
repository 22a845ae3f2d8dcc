using System.Globalization;
using System.Text;

namespace RxFactorio.Tests.Properties;

/// <summary>Writes JSON text by hand, so tests can write what a serializer never would: lone surrogate escapes, duplicate keys, odd numbers.</summary>
internal static class JsonText
{
    /// <summary>A JSON string literal for any UTF-16 text: lone surrogates as <c>\uXXXX</c> (no UTF-8 can hold them), controls escaped, the rest as it is.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>An object from keys and already-written JSON values, duplicates kept.</summary>
    public static string Object(IEnumerable<(string Key, string Json)> fields) =>
        "{" + string.Join(",", fields.Select(f => Quote(f.Key) + ":" + f.Json)) + "}";

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whether the text is well-formed UTF-16 (no lone surrogate).</summary>
    public static bool IsWellFormed(string? text)
    {
        if (text is null)
        {
            return true;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
