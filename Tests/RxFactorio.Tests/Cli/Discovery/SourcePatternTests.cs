using RxFactorio.Cli.Discovery;
using RxFactorio.Sources.Native;
using RxFactorio.Tests.RunLog;

namespace RxFactorio.Tests.Cli.Discovery;

/// <summary>Globs and folders as <c>--source</c>: which files of a real folder they read, under which names and labels.</summary>
public sealed class SourcePatternTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private string Touch(params string[] parts)
    {
        var path = Path.Combine([_dir.Path, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        return path;
    }

    private string At(params string[] parts) => Path.Combine([_dir.Path, .. parts]);

    [Test]
    public void AStarInTheFileName_MatchesTheFilesOfThatFolderOnly_EachLabelledByWhatTheStarMatched()
    {
        Touch("script-output", "server1.jsonl");
        Touch("script-output", "server-2.jsonl");
        Touch("script-output", "notes.txt");
        Touch("script-output", ".hidden.jsonl");
        Touch("script-output", "deeper", "server3.jsonl");

        var found = SourcePattern.Create(At("script-output", "*.jsonl")).Find();

        Assert.That(found, Is.EqualTo(new[]
        {
            new FoundSource(At("script-output", "server-2.jsonl"), "server-2"),
            new FoundSource(At("script-output", "server1.jsonl"), "server1"),
        }));
    }

    [Test]
    public void AQuestionMark_MatchesOneCharacter()
    {
        Touch("s1.jsonl");
        Touch("s22.jsonl");

        var found = SourcePattern.Create(At("s?.jsonl")).Find();

        Assert.That(found.Select(f => f.Path), Is.EqualTo(new[] { At("s1.jsonl") }));
    }

    [Test]
    public void AStarForAFolder_LabelsEachFileByTheFolderItMatched()
    {
        Touch("srv", "eu1", "script-output", "events.jsonl");
        Touch("srv", "us1", "script-output", "events.jsonl");
        Touch("srv", "us2", "other", "events.jsonl");

        var found = SourcePattern.Create(At("srv", "*", "script-output", "events.jsonl")).Find();

        Assert.That(found, Is.EqualTo(new[]
        {
            new FoundSource(At("srv", "eu1", "script-output", "events.jsonl"), "eu1"),
            new FoundSource(At("srv", "us1", "script-output", "events.jsonl"), "us1"),
        }));
    }

    [Test]
    public void TwoStars_MatchAnyFoldersBelow_NoneIncluded()
    {
        Touch("logs", "a.jsonl");
        Touch("logs", "x", "y", "b.jsonl");

        var found = SourcePattern.Create(At("logs", "**", "*.jsonl")).Find();

        Assert.That(found, Is.EqualTo(new[]
        {
            new FoundSource(At("logs", "a.jsonl"), "a"),
            new FoundSource(At("logs", "x", "y", "b.jsonl"), "x-y-b"),
        }));
    }

    [Test]
    public void AGivenLabel_IsPutBeforeEachFilesOwn()
    {
        Touch("so", "server1.jsonl");

        var found = SourcePattern.Create(At("so", "*.jsonl"), label: "eu").Find();

        Assert.That(found.Single().Label, Is.EqualTo("eu-server1"));
    }

    [Test]
    public void AFileNameThatIsNotALabel_IsSanitised()
    {
        Touch("so", "bad name;rm -rf \u001b[31m.jsonl");

        var found = SourcePattern.Create(At("so", "*.jsonl")).Find();

        Assert.That(found.Single().Label, Is.EqualTo("bad_name_rm_-rf___31m"));
    }

    [Test]
    public void AFolder_IsItsJsonlFilesAndFifos_NotItsOtherFilesOrSubfolders()
    {
        Touch("so", "events.jsonl");
        Touch("so", "screenshot.png");
        Touch("so", "sub", "deeper.jsonl");
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(Libc.MkFifo(At("so", "game2.pipe"), 0b110_000_000), Is.Zero, "mkfifo");
        }

        Assert.That(SourcePattern.IsPattern(At("so")), Is.True, "an existing folder");
        var found = SourcePattern.Create(At("so")).Find();

        var expected = OperatingSystem.IsWindows()
            ? new[] { new FoundSource(At("so", "events.jsonl"), "events") }
            : [new FoundSource(At("so", "events.jsonl"), "events"), new FoundSource(At("so", "game2.pipe"), "game2")];
        Assert.That(found, Is.EqualTo(expected));
    }

    [Test]
    public void AFolderNotThereYet_WithATrailingSlash_IsAFolderThatMatchesNothingUntilItIsThere()
    {
        var folder = At("later") + "/";

        Assert.That(SourcePattern.IsPattern(folder), Is.True);
        var pattern = SourcePattern.Create(folder);
        Assert.That(pattern.Find(), Is.Empty);

        Touch("later", "a.jsonl");
        Assert.That(pattern.Find().Select(f => f.Path), Is.EqualTo(new[] { At("later", "a.jsonl") }));
    }

    [TestCase("events.jsonl")]
    [TestCase("-")]
    [TestCase("udp://127.0.0.1:34200")]
    [TestCase("missing/events.pipe")]
    public void APathWithoutWildcards_IsNotAPattern(string source) =>
        Assert.That(SourcePattern.IsPattern(source), Is.False);

    [Test]
    [NonParallelizable]
    public void ARelativePattern_GivesPathsAsWritten()
    {
        Touch("rel", "a.jsonl");
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _dir.Path;
            Assert.That(SourcePattern.Create("rel/*.jsonl").Find().Select(f => f.Path), Is.EqualTo(new[] { Path.Join("rel", "a.jsonl") }));
            Assert.That(SourcePattern.Create("*").Find(), Is.Empty, "rel is a folder, not a file");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
