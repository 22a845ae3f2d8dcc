using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RxFactorio.RunLog;

/// <summary>
/// The one writer of numbers for the run log's <c>value_json</c> and W&amp;B's JSON lines: a number in
/// shortest round-trip form (<c>0.5</c>, <c>216000</c>, <c>1E+20</c>), NaN and the infinities as the
/// bare tokens W&amp;B reads and writes (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>), and
/// <c>_timestamp</c> as Unix seconds with millisecond precision.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>Room for any number this class writes.</summary>
    public const int MaxLength = 32;

    /// <summary><c>_timestamp</c>: Unix seconds with millisecond precision, the one rule for the log and the file_stream body.</summary>
    public static double UnixSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Writes <paramref name="value"/> as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the length.</summary>
    public static int Write(double value, Span<byte> destination)
    {
        ReadOnlySpan<byte> token = double.IsNaN(value) ? "NaN"u8
            : double.IsPositiveInfinity(value) ? "Infinity"u8
            : double.IsNegativeInfinity(value) ? "-Infinity"u8
            : default;
        if (!token.IsEmpty)
        {
            token.CopyTo(destination);
            return token.Length;
        }
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value) && (value != 0 || !double.IsNegative(value)))
        {
            // A whole number below 10^15 reads the same in shortest round-trip form as an integer (which is much cheaper to write).
            return Write((long)value, destination);
        }
        // NOTE: the common case in a few integer steps; .NET decides the rest (ties, exact bounds, subnormals).
        if (ShortestDouble.TryWrite(value, destination, out var written))
        {
            return written;
        }
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 into <paramref name="destination"/>; returns the length.</summary>
    public static int Write(long value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Writes <paramref name="value"/> as a JSON value (a bare token for NaN and the infinities).</summary>
    public static void WriteValue(Utf8JsonWriter writer, double value)
    {
        Span<byte> number = stackalloc byte[MaxLength];
        writer.WriteRawValue(number[..Write(value, number)], skipInputValidation: true);
    }

    /// <summary><paramref name="value"/> as text.</summary>
    public static string Text(double value)
    {
        Span<byte> number = stackalloc byte[MaxLength];
        return Encoding.UTF8.GetString(number[..Write(value, number)]);
    }
}
