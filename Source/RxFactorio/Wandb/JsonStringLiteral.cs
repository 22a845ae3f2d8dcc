using System.Buffers;
using System.Text.Encodings.Web;

namespace RxFactorio.Wandb;

/// <summary>
/// Writes a JSON string value as a body carries it: UTF-8, escaped and in quotes, straight into a buffer.
/// What <see cref="System.Text.Json.JsonEncodedText"/> gives, without an array per value and without the
/// UTF-16 copy of the text it also keeps (twice a line's size again, per history line sent).
/// </summary>
internal static class JsonStringLiteral
{
    /// <summary>Escapes <paramref name="utf8"/> (valid UTF-8) with <paramref name="encoder"/>, in quotes, into <paramref name="destination"/>.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="utf8"/> is not valid UTF-8.</exception>
    public static int Write(IBufferWriter<byte> destination, ReadOnlySpan<byte> utf8, JavaScriptEncoder encoder)
    {
        destination.Write("\""u8);
        var written = 2;
        var first = encoder.FindFirstCharacterToEncodeUtf8(utf8);
        if (first < 0)
        {
            destination.Write(utf8);
            destination.Write("\""u8);
            return written + utf8.Length;
        }
        destination.Write(utf8[..first]);
        written += first;
        var rest = utf8[first..];
        // NOTE: a few escapes are the rule (quotes around keys); the span asked for grows if there are more.
        var hint = rest.Length + Math.Max(64, rest.Length / 4);
        while (true)
        {
            var span = destination.GetSpan(hint);
            var status = encoder.EncodeUtf8(rest, span, out var consumed, out var encoded);
            destination.Advance(encoded);
            written += encoded;
            rest = rest[consumed..];
            if (status == OperationStatus.Done)
            {
                break;
            }
            if (status != OperationStatus.DestinationTooSmall)
            {
                throw new ArgumentException($"Not valid UTF-8 ({status}).", nameof(utf8));
            }
            hint = Math.Max(span.Length * 2, 16);
        }
        destination.Write("\""u8);
        return written;
    }
}
