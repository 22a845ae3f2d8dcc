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
    public void LoneSurrogates_BecomeTheReplacementCharacter()
    {
        Assert.That(RunLogJson.String("a\ud800b"), Is.EqualTo("\"a\ufffdb\""));
    }
}
