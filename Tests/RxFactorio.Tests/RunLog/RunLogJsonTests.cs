using CsCheck;
using System.Text.Json;
using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

public sealed class RunLogJsonTests
{
    [TestCase("plain")]
    [TestCase("../../etc/passwd 💥")]
    [TestCase("quote \" backslash \\ newline \n tab \t nul \0 del \u007f nel \u0085 ls \u2028 bom \ufeff")]
    public void Strings_AreJsonThatParsesBack_AndKeepEmojiLiteral(string text)
    {
        var json = RunLogJson.String(text);

        Assert.That(JsonSerializer.Deserialize<string>(json), Is.EqualTo(text));
        Assert.That(RunLogJson.ParseString(json), Is.EqualTo(text));
        Assert.That(json, Does.Not.Contain("\\uD83D"));
        Assert.That(json.Where(c => c < ' ' || c is '\u0085' or '\u2028' or '\ufeff'), Is.Empty);
    }

    [TestCase(0.5, "0.5")]
    [TestCase(216000.0, "216000")]
    [TestCase(2271.66666666666651508421637117862701416015625, "2271.6666666666665")]
    [TestCase(1e20, "1E+20")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    [TestCase(double.NegativeInfinity, "-Infinity")]
    public void Numbers_AreRoundTripJsonOrWandbsBareTokens(double value, string expected)
    {
        Assert.That(RunLogJson.Number(value), Is.EqualTo(expected));
        Assert.That(RunLogJson.ParseNumber(expected), Is.EqualTo(value));
    }

    [Test]
    public void FiniteNumbers_AreWrittenAsUtf8JsonWriterWritesThem() =>
        Properties.PropertyCheck.Run(Gen.Frequency(
            (6, Gen.Double),
            (2, Gen.Long.Select(l => (double)l)),
            (2, Gen.Long[-2_000_000_000_000_000, 2_000_000_000_000_000].Select(l => (double)l)),
            (2, Gen.Int.Select(i => (double)i)),
            (1, Gen.OneOf(0.0, -0.0, double.Epsilon, double.MaxValue, double.MinValue, 1e15, -1e15, 999999999999999.0, -999999999999999.0, 1e16, 1e-5, 1e-4, 123456789012345678.0))).Where(double.IsFinite), value =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteNumberValue(value);
            }
            Span<byte> number = stackalloc byte[JsonNumbers.MaxLength];

            Assert.That(System.Text.Encoding.UTF8.GetString(number[..JsonNumbers.Write(value, number)]), Is.EqualTo(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)));
        }, iterations: 2000);

    [Test]
    public void LoneSurrogates_BecomeTheReplacementCharacter()
    {
        Assert.That(RunLogJson.String("a\ud800b"), Is.EqualTo("\"a\ufffdb\""));
    }
}
