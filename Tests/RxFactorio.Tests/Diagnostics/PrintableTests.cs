using RxFactorio.Diagnostics;

namespace RxFactorio.Tests.Diagnostics;

/// <summary>#11.5: the one escaping used for logs, the console, reports and output.log.</summary>
public sealed class PrintableTests
{
    [TestCase("a\nb", "a\\nb")]
    [TestCase("a\r\nb", "a\\r\\nb")]
    [TestCase("t\tx", "t\\tx")]
    [TestCase("\u001b[2J", "\\u001B[2J")]
    [TestCase("nul\0", "nul\\u0000")]
    [TestCase("del\u007f", "del\\u007F")]
    [TestCase("nel\u0085", "nel\\u0085")]
    [TestCase("ls\u2028ps\u2029", "ls\\u2028ps\\u2029")]
    [TestCase("rlo\u202eevil", "rlo\\u202Eevil")]
    [TestCase("pair😀 aé \\n", "pair😀 aé \\n")]
    public void Escape_MakesEveryBreakingOrHiddenCharacterVisible(string text, string expected) =>
        Assert.That(Printable.Escape(text), Is.EqualTo(expected));

    [Test]
    public void Escape_LoneSurrogates_BecomeEscapes_PairsStay()
    {
        // Not a [TestCase]: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        Assert.That(Printable.Escape("lone\ud800 \udc00x \ud83d\ude00"), Is.EqualTo("lone\\uD800 \\uDC00x 😀"));
    }

    [Test]
    public void Escape_OfPrintableText_IsTheSameInstance()
    {
        var text = "iron-plate 😀";
        Assert.That(Printable.Escape(text), Is.SameAs(text));
    }

    [Test]
    public void Of_CutsAtTheLimit_NeverInsideAnEscapeOrAPair()
    {
        Assert.That(Printable.Of("abc\ndef", 4), Is.EqualTo("abc…"));
        Assert.That(Printable.Of("abc\ndef", 5), Is.EqualTo("abc\\n…"));
        Assert.That(Printable.Of("ab😀", 3), Is.EqualTo("ab…"));
        Assert.That(Printable.Of("short", 80), Is.EqualTo("short"));
    }
}
