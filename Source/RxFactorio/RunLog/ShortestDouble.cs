using System.Numerics;

namespace RxFactorio.RunLog;

/// <summary>
/// The shortest round-trip digits of a double, by the Ryū algorithm (Ulf Adams, "Ryū: fast float-to-string
/// conversion", PLDI 2018), written in .NET's round-trip layout (<c>double.ToString("R")</c>: fixed notation from
/// <c>0.0001</c> up to 17 digits before the point, else <c>d.dddE+XX</c> / <c>E-XX</c>). Only the algorithm's common case is taken here: a
/// value whose interval bounds or digits may end in exact zeros (where ties and bounds decide), a power of two
/// or a subnormal returns false, and the caller formats it with .NET. Tables are computed at start-up (exact, BigInteger).
/// </summary>
internal static class ShortestDouble
{
    private const int MantissaBits = 52;
    private const int Bias = 1023;
    private const int Pow5InvBitCount = 125;
    private const int Pow5BitCount = 125;

    private static readonly (ulong Low, ulong High)[] Pow5InvSplit = Table(342, inverse: true);
    private static readonly (ulong Low, ulong High)[] Pow5Split = Table(326, inverse: false);

    /// <summary>Writes a finite, non-zero, normal <paramref name="value"/> as .NET's round-trip text would; false (nothing written) when this class leaves it to .NET.</summary>
    public static bool TryWrite(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        var ieeeExponent = (int)((bits >> MantissaBits) & 0x7FF);
        // NOTE: a power of two (mantissa 0) has a closer lower bound; .NET's own digits for it can differ from the
        // shortest (0x0410000000000000: .NET writes 4.104536801298376E-289, which reads back as the double below),
        // and the run log keeps .NET's text, so .NET writes those.
        if (ieeeExponent == 0 || ieeeExponent == 0x7FF || ieeeMantissa == 0)
        {
            return false;
        }
        var e2 = ieeeExponent - Bias - MantissaBits - 2;
        var m2 = (1UL << MantissaBits) | ieeeMantissa;
        var acceptBounds = (m2 & 1) == 0;
        var mv = 4 * m2;
        const uint mmShift = 1;
        ulong vr, vp, vm;
        int e10;
        if (e2 >= 0)
        {
            var q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            var k = Pow5InvBitCount + Pow5Bits(q) - 1;
            var i = -e2 + q + k;
            var mul = Pow5InvSplit[q];
            vr = MulShift(mv, mul, i);
            vp = MulShift(mv + 2, mul, i);
            vm = MulShift(mv - 1 - mmShift, mul, i);
            if (q <= 21)
            {
                if (mv % 5 == 0)
                {
                    if (MultipleOfPowerOf5(mv, q))
                    {
                        return false;
                    }
                }
                else if (acceptBounds)
                {
                    if (MultipleOfPowerOf5(mv - 1 - mmShift, q))
                    {
                        return false;
                    }
                }
                else if (MultipleOfPowerOf5(mv + 2, q))
                {
                    vp--;
                }
            }
        }
        else
        {
            var q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            var i = -e2 - q;
            var k = Pow5Bits(i) - Pow5BitCount;
            var j = q - k;
            var mul = Pow5Split[i];
            vr = MulShift(mv, mul, j);
            vp = MulShift(mv + 2, mul, j);
            vm = MulShift(mv - 1 - mmShift, mul, j);
            // NOTE: conservative (q - 1): whenever the digits may end in exact zeros, .NET decides.
            if (q <= 1 || (q < 64 && (mv & ((1UL << (q - 1)) - 1)) == 0))
            {
                return false;
            }
        }
        var removed = 0;
        var roundUp = false;
        var vpDiv100 = vp / 100;
        var vmDiv100 = vm / 100;
        if (vpDiv100 > vmDiv100)
        {
            var vrDiv100 = vr / 100;
            roundUp = vr - (100 * vrDiv100) >= 50;
            vr = vrDiv100;
            vp = vpDiv100;
            vm = vmDiv100;
            removed += 2;
        }
        while (true)
        {
            var vpDiv10 = vp / 10;
            var vmDiv10 = vm / 10;
            if (vpDiv10 <= vmDiv10)
            {
                break;
            }
            var vrDiv10 = vr / 10;
            roundUp = vr - (10 * vrDiv10) >= 5;
            vr = vrDiv10;
            vp = vpDiv10;
            vm = vmDiv10;
            removed++;
        }
        var digits = vr + (vr == vm || roundUp ? 1UL : 0UL);
        Layout(value < 0, digits, e10 + removed, destination, out written);
        return true;
    }

    /// <summary>.NET's round-trip layout of <paramref name="digits"/> × 10^<paramref name="exponent"/> (no trailing zeros in the digits).</summary>
    private static void Layout(bool negative, ulong digits, int exponent, Span<byte> destination, out int written)
    {
        var length = DecimalLength(digits);
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }
        // The decimal point goes after `scale` digits (.NET's Number.Scale).
        var scale = length + exponent;
        if (scale > 17 || scale < -3)
        {
            // NOTE: the digits go one place to the right, then the first moves left over the point's place.
            WriteDigits(digits, destination.Slice(at + 1, length));
            destination[at] = destination[at + 1];
            if (length > 1)
            {
                destination[at + 1] = (byte)'.';
                at += length + 1;
            }
            else
            {
                at++;
            }
            destination[at++] = (byte)'E';
            var power = scale - 1;
            destination[at++] = power < 0 ? (byte)'-' : (byte)'+';
            power = Math.Abs(power);
            if (power >= 100)
            {
                destination[at++] = (byte)('0' + (power / 100));
            }
            destination[at++] = (byte)('0' + (power / 10 % 10));
            destination[at++] = (byte)('0' + (power % 10));
        }
        else if (scale <= 0)
        {
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            for (var z = 0; z < -scale; z++)
            {
                destination[at++] = (byte)'0';
            }
            WriteDigits(digits, destination.Slice(at, length));
            at += length;
        }
        else if (scale >= length)
        {
            WriteDigits(digits, destination.Slice(at, length));
            at += length;
            for (var z = length; z < scale; z++)
            {
                destination[at++] = (byte)'0';
            }
        }
        else
        {
            // NOTE: as above: the digits one place to the right, then the integer part moves left and the point goes after it.
            WriteDigits(digits, destination.Slice(at + 1, length));
            destination.Slice(at + 1, scale).CopyTo(destination[at..]);
            destination[at + scale] = (byte)'.';
            at += length + 1;
        }
        written = at;
    }

    /// <summary>Writes the decimal digits of <paramref name="value"/> to fill <paramref name="destination"/> exactly, two at a time from the last.</summary>
    private static void WriteDigits(ulong value, Span<byte> destination)
    {
        var k = destination.Length;
        while (k > 8)
        {
            // NOTE: 8 digits at a time in 32-bit arithmetic (cheaper divisions), from the last.
            var high = value / 100_000_000;
            WritePairs((uint)(value - (high * 100_000_000)), destination.Slice(k - 8, 8));
            value = high;
            k -= 8;
        }
        WritePairs((uint)value, destination[..k]);
    }

    private static void WritePairs(uint value, Span<byte> destination)
    {
        var pairs = TwoDigits;
        var k = destination.Length;
        while (k >= 2)
        {
            var rest = value / 100;
            var pair = (int)(value - (rest * 100)) * 2;
            destination[k - 1] = pairs[pair + 1];
            destination[k - 2] = pairs[pair];
            value = rest;
            k -= 2;
        }
        if (k == 1)
        {
            destination[0] = (byte)('0' + (int)value);
        }
    }

    private static ReadOnlySpan<byte> TwoDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>How many decimal digits <paramref name="value"/> has (at least 1).</summary>
    private static int DecimalLength(ulong value)
    {
        // NOTE: log10 from log2 (1233 / 4096 ≈ log10(2)), then one compare to correct it.
        var guess = ((BitOperations.Log2(value) + 1) * 1233) >> 12;
        return Math.Max(1, guess + (value >= PowersOf10[guess] ? 1 : 0));
    }

    private static ulong MulShift(ulong m, (ulong Low, ulong High) mul, int j)
    {
        var b0 = (UInt128)m * mul.Low;
        var b2 = (UInt128)m * mul.High;
        return (ulong)(((b0 >> 64) + b2) >> (j - 64));
    }

    private static bool MultipleOfPowerOf5(ulong value, int p)
    {
        var count = 0;
        while (value > 0 && value % 5 == 0)
        {
            value /= 5;
            count++;
        }
        return count >= p;
    }

    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static (ulong Low, ulong High)[] Table(int count, bool inverse)
    {
        var table = new (ulong, ulong)[count];
        var mask = (BigInteger.One << 64) - 1;
        for (var i = 0; i < count; i++)
        {
            var pow5 = BigInteger.Pow(5, i);
            var bits = Pow5Bits(i);
            var entry = inverse
                ? ((BigInteger.One << (bits - 1 + Pow5InvBitCount)) / pow5) + 1
                : bits > Pow5BitCount ? pow5 >> (bits - Pow5BitCount) : pow5 << (Pow5BitCount - bits);
            table[i] = ((ulong)(entry & mask), (ulong)(entry >> 64));
        }
        return table;
    }
}
