using System.Buffers;
using System.Text.Encodings.Web;

namespace RxFactorio.Wandb;

/// <summary>
/// A JSON string value as a body carries it: UTF-8, escaped and in quotes, in one array. What
/// <see cref="System.Text.Json.JsonEncodedText"/> gives, without the UTF-16 copy of the text it also keeps
/// (twice a line's size again, per history line sent).
/// </summary>
internal readonly struct JsonStringLiteral
{
    private readonly byte[] _quoted;

    private JsonStringLiteral(byte[] quoted) => _quoted = quoted;

    /// <summary>The value with its quotes, ready to be written as raw JSON.</summary>
    public ReadOnlySpan<byte> Quoted => _quoted;

    /// <summary>Escapes <paramref name="utf8"/> (valid UTF-8) with <paramref name="encoder"/> and puts it in quotes.</summary>
    public static JsonStringLiteral Encode(ReadOnlySpan<byte> utf8, JavaScriptEncoder encoder)
    {
        var first = encoder.FindFirstCharacterToEncodeUtf8(utf8);
        if (first < 0)
        {
            var plain = new byte[utf8.Length + 2];
            plain[0] = (byte)'"';
            utf8.CopyTo(plain.AsSpan(1));
            plain[^1] = (byte)'"';
            return new JsonStringLiteral(plain);
        }
        // NOTE: a few escapes are the rule (quotes around keys); the buffer grows if there are more.
        var capacity = utf8.Length + Math.Max(64, utf8.Length / 4) + 2;
        while (true)
        {
            var rented = ArrayPool<byte>.Shared.Rent(capacity);
            try
            {
                rented[0] = (byte)'"';
                utf8[..first].CopyTo(rented.AsSpan(1));
                var status = encoder.EncodeUtf8(utf8[first..], rented.AsSpan(1 + first, rented.Length - 2 - first), out _, out var written);
                if (status == OperationStatus.Done)
                {
                    var length = 1 + first + written;
                    var quoted = new byte[length + 1];
                    rented.AsSpan(0, length).CopyTo(quoted);
                    quoted[^1] = (byte)'"';
                    return new JsonStringLiteral(quoted);
                }
                if (status != OperationStatus.DestinationTooSmall)
                {
                    throw new ArgumentException($"Not valid UTF-8 ({status}).", nameof(utf8));
                }
                capacity = rented.Length * 2;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
