using System.Buffers;
using System.Globalization;
using System.Text;

namespace RxFactorio.Diagnostics;

/// <summary>
/// Makes untrusted text (session ids, item and event names, excerpts, paths) safe to write as
/// part of ONE line of a log, the console or a run's <c>output.log</c>: the one escaping used
/// everywhere. CR, LF and tab become <c>\r</c>, <c>\n</c>, <c>\t</c>; every other C0 control,
/// DEL, the C1 controls (U+0080–U+009F, e.g. NEL), the line and paragraph separators
/// (U+2028, U+2029), the bidirectional embedding, override and isolate controls
/// (U+202A–U+202E, U+2066–U+2069) and a lone UTF-16 surrogate become <c>\uXXXX</c>.
/// Everything else, a backslash included, is kept as it is, so ordinary names read unchanged.
/// </summary>
internal static class Printable
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F" +
        "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F" +
        "\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>The text escaped, at any length; the same instance when nothing needed escaping.</summary>
    /// <param name="text">Untrusted text.</param>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsPrintable(text) ? text : Of(text, int.MaxValue);
    }

    /// <summary>The text escaped and cut to at most <paramref name="maxChars"/> characters, then <c>…</c>.</summary>
    /// <param name="text">Untrusted text.</param>
    /// <param name="maxChars">The most characters kept (an escape is never cut in half).</param>
    public static string Of(string text, int maxChars = 80)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Of(text.AsSpan(), maxChars, truncated: false);
    }

    /// <summary>Whether the text is safe to write as it is.</summary>
    /// <param name="text">The text.</param>
    public static bool IsPrintable(ReadOnlySpan<char> text) =>
        text.IndexOfAny(NeedsEscape) < 0 && !HasLoneSurrogate(text);

    internal static string Of(ReadOnlySpan<char> text, int maxChars, bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        if (!truncated && text.Length <= maxChars && IsPrintable(text))
        {
            return text.ToString();
        }
        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 1);
        Span<char> escape = stackalloc char[6];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var piece = pair ? text.Slice(i, 2) : Escaped(c, escape);
            if (builder.Length + piece.Length > maxChars)
            {
                truncated = true;
                break;
            }
            builder.Append(piece);
            i += pair ? 1 : 0;
        }
        if (truncated)
        {
            builder.Append('…');
        }
        return builder.ToString();
    }

    private static ReadOnlySpan<char> Escaped(char c, Span<char> buffer)
    {
        switch (c)
        {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
        }
        if (!NeedsEscape.Contains(c) && !char.IsSurrogate(c))
        {
            buffer[0] = c;
            return buffer[..1];
        }
        buffer[0] = '\\';
        buffer[1] = 'u';
        ((int)c).TryFormat(buffer[2..], out _, "X4", CultureInfo.InvariantCulture);
        return buffer;
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        var at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(text[at]) || at + 1 >= text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                return true;
            }
            var next = text[(at + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            at = next < 0 ? -1 : at + 2 + next;
        }
        return false;
    }
}
