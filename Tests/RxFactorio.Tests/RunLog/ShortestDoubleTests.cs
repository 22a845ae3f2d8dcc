using System.Globalization;
using System.Text;
using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

/// <summary>The fast shortest-digits writer gives exactly .NET's round-trip text, or leaves the value to .NET.</summary>
public sealed class ShortestDoubleTests
{
    private static readonly string[] Written =
    [
        "10.582952105741445", "7.723912383988169", "13782.436234494395", "0.1", "0.30000000000000004", "1E+15", "1E-05", "0.0001",
        "123456789012345.6", "1.2345678901234568E+16", "9007199254740993", "5E-324", "1.7976931348623157E+308", "2.2250738585072014E-308",
        "0.000123", "100", "1E+21", "4.35", "2.675", "0.07", "1182", "9411.5", "99999999999999.99", "1E+300", "6.02214076E+23",
    ];

    [Test]
    public void RandomBitPatterns_AndTypicalRates_AreWrittenAsDotNetWritesThem()
    {
        var random = new Random(20261203);
        var taken = 0;
        var checkedValues = 0;
        void Check(double value)
        {
            if (!double.IsFinite(value) || value == 0)
            {
                return;
            }
            checkedValues++;
            Span<byte> buffer = stackalloc byte[JsonNumbers.MaxLength];
            if (ShortestDouble.TryWrite(value, buffer, out var written))
            {
                taken++;
                var expected = value.ToString("R", CultureInfo.InvariantCulture);
                var actual = Encoding.ASCII.GetString(buffer[..written]);
                if (actual != expected)
                {
                    Assert.Fail($"{BitConverter.DoubleToInt64Bits(value):X16}: {actual} instead of {expected}");
                }
            }
        }
        foreach (var text in Written)
        {
            Check(double.Parse(text, CultureInfo.InvariantCulture));
            Check(-double.Parse(text, CultureInfo.InvariantCulture));
        }
        for (var i = 0; i < 1_000_000; i++)
        {
            Check(BitConverter.Int64BitsToDouble(random.NextInt64()));
            Check(random.NextDouble() * 1e6);
            Check(Math.Pow(10, (random.NextDouble() * 30) - 8));
            Check(Math.Round(random.NextDouble() * 1e4, random.Next(0, 6)));
        }
        for (var e = -1074; e <= 1023; e++)
        {
            Check(Math.ScaleB(1, e));
            Check(Math.ScaleB(1, e) * 1.5);
            Check(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(Math.ScaleB(1, e)) - 1));
        }
        for (var p = -300; p <= 300; p++)
        {
            Check(double.Parse($"1E{p}", CultureInfo.InvariantCulture));
            Check(double.Parse($"9.999999999999999E{p}", CultureInfo.InvariantCulture));
        }
        TestContext.Out.WriteLine($"{taken} of {checkedValues} values written by the fast path");
        Assert.That(taken, Is.GreaterThan(checkedValues * 9 / 10), "the fast path is the common case");
    }

    [Test]
    public void JsonNumbers_StillWritesTheTokensIntegersAndNegativeZero()
    {
        string Text(double v) => JsonNumbers.Text(v);
        Assert.That(new[] { Text(double.NaN), Text(double.PositiveInfinity), Text(double.NegativeInfinity), Text(-0.0), Text(0), Text(216000), Text(0.5), Text(1e20), Text(double.Epsilon) },
            Is.EqualTo(new[] { "NaN", "Infinity", "-Infinity", "-0", "0", "216000", "0.5", "1E+20", "5E-324" }));
    }
}
