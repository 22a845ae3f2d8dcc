using RxFactorio.Cli.Commands;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Cli.Discovery;

/// <summary>Source labels: what a source is called in W&amp;B when no label is given, what a given one may be, and how untrusted names are made labels.</summary>
public sealed class SourceLabelTests
{
    [TestCase("script-output/server1.jsonl", "server1")]
    [TestCase("/home/me/.factorio/script-output/events.pipe", "events")]
    [TestCase("udp://127.0.0.1:34200", "udp-34200")]
    [TestCase("udp://[::1]:34201", "udp-34201")]
    [TestCase("-", "stdin")]
    [TestCase("folder/.jsonl", ".jsonl")]
    public void TheDefaultLabel_NamesTheSource(string source, string label) =>
        Assert.That(SourceLabel.Default(source), Is.EqualTo(label));

    [TestCase("plain-name_1.2", "plain-name_1.2")]
    [TestCase("with space/slash\\back", "with_space_slash_back")]
    [TestCase("esc\u001b[2Jbell\u0007", "esc__2Jbell_")]
    [TestCase("line\nbreak\u2028", "line_break_")]
    [TestCase("fabrik-\u00e9t\u00e9", "fabrik-\u00e9t\u00e9")]
    [TestCase("", "source")]
    [TestCase("\ud83c\udfed", "_")]
    public void AnUntrustedName_BecomesALabel(string name, string label)
    {
        Assert.That(SourceLabel.Sanitise(name), Is.EqualTo(label));
        Assert.That(SourceLabel.IsValid(SourceLabel.Sanitise(name)), Is.True);
    }

    [Test]
    public void ALoneSurrogate_IsOneUnderscore()
    {
        var name = "lone" + (char)0xD800 + "surrogate";

        Assert.That(SourceLabel.Sanitise(name), Is.EqualTo("lone_surrogate"));
    }

    [Test]
    public void ALongName_IsCutToW_BsLongestTag()
    {
        var label = SourceLabel.Sanitise(new string('x', 200));

        Assert.That(label, Has.Length.EqualTo(64));
        Assert.That(SourceLabel.IsValid(new string('x', 65)), Is.False);
    }

    [TestCase("server1=/srv/a.jsonl", "/srv/a.jsonl", "server1")]
    [TestCase("eu=udp://127.0.0.1:34200", "udp://127.0.0.1:34200", "eu")]
    [TestCase("eu=script-output/*.jsonl", "script-output/*.jsonl", "eu")]
    [TestCase("/srv/a=b/c.jsonl", "/srv/a=b/c.jsonl", null)]
    [TestCase("./a=b.jsonl", "./a=b.jsonl", null)]
    [TestCase("x=a=b.jsonl", "a=b.jsonl", "x")]
    [TestCase("events.jsonl", "events.jsonl", null)]
    public void ASourceArgument_IsItsLabelAndWhatToRead(string text, string path, string? label)
    {
        Assert.That(SourceArgument.TryParse(text, out var argument, out var error), Is.True, error);
        Assert.That((argument!.Path, argument.Label), Is.EqualTo((path, label)));
    }

    [TestCase("my server=a.jsonl", "the label 'my server' must be 1 to 64 letters")]
    [TestCase("=a.jsonl", "the label '' must be")]
    [TestCase("x=", "names nothing to read after its label")]
    public void ABadSourceArgument_IsRejectedWithItsReason(string text, string reason)
    {
        Assert.That(SourceArgument.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.StartWith($"'{text}'").And.Contain(reason));
    }
}
