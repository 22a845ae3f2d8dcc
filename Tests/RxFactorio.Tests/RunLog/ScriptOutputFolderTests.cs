using RxFactorio.RunLog.Media;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.RunLog;

/// <summary>An untrusted <c>screenshot_path</c> only ever names a file inside script-output, whatever symlinks lie on the way.</summary>
public sealed class ScriptOutputFolderTests
{
    private TempDirectory _temp = null!;
    private string _scriptOutput = "";
    private ScriptOutputFolder _folder = null!;

    [SetUp]
    public void CreateFolders()
    {
        _temp = new TempDirectory();
        _scriptOutput = Path.Combine(_temp.Path, "script-output");
        Directory.CreateDirectory(Path.Combine(_scriptOutput, "screenshots"));
        File.WriteAllText(Path.Combine(_temp.Path, "secret.png"), "outside");
        _folder = new ScriptOutputFolder(_scriptOutput);
    }

    [TearDown]
    public void DeleteFolders() => _temp.Dispose();

    [Test]
    public void ARelativePathInsideScriptOutput_IsTheFileThere()
    {
        Assert.That(_folder.Resolve("screenshots/s1/tick_120.png", out _), Is.EqualTo(Path.Combine(_scriptOutput, "screenshots", "s1", "tick_120.png")));
    }

    [TestCase("/etc/passwd", "absolute")]
    [TestCase("\\etc\\passwd", "absolute")]
    [TestCase("../secret.png", "'..'")]
    [TestCase("screenshots/../../secret.png", "'..'")]
    [TestCase("screenshots\\..\\..\\secret.png", "'..'")]
    [TestCase("", "empty")]
    public void AnAbsoluteOrClimbingPath_IsRefusedWithWhy(string path, string why)
    {
        Assert.Multiple(() =>
        {
            Assert.That(_folder.Resolve(path, out var refusal), Is.Null);
            Assert.That(refusal, Does.Contain(why));
        });
    }

    [Test]
    public void AFileSymlinkPointingOutside_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_scriptOutput, "screenshots", "shot.png"), Path.Combine(_temp.Path, "secret.png"));
        Assert.Multiple(() =>
        {
            Assert.That(_folder.Resolve("screenshots/shot.png", out var refusal), Is.Null);
            Assert.That(refusal, Does.Contain("outside script-output"));
        });
    }

    [Test]
    public void AFolderSymlinkPointingOutside_IsRefused_EvenWhenARelativeLinkClimbs()
    {
        Directory.CreateSymbolicLink(Path.Combine(_scriptOutput, "up"), "..");
        Assert.That(_folder.Resolve("up/secret.png", out var refusal), Is.Null, refusal);
    }

    [Test]
    public void ASymlinkThatStaysInside_IsFollowed()
    {
        var real = Path.Combine(_scriptOutput, "screenshots", "real.png");
        File.WriteAllBytes(real, PngFile.Create(2, 2));
        File.CreateSymbolicLink(Path.Combine(_scriptOutput, "latest.png"), "screenshots/real.png");
        Assert.That(_folder.Resolve("latest.png", out _), Is.EqualTo(real));
    }

    [Test]
    public void ScriptOutputReachedThroughASymlink_StillHoldsItsFiles()
    {
        var link = Path.Combine(_temp.Path, "linked-output");
        Directory.CreateSymbolicLink(link, _scriptOutput);
        Assert.That(new ScriptOutputFolder(link).Resolve("screenshots/a.png", out var refusal), Is.EqualTo(Path.Combine(_scriptOutput, "screenshots", "a.png")), refusal);
    }

    [Test]
    public void ASymlinkLoop_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_scriptOutput, "loop"), "loop");
        Assert.That(_folder.Resolve("loop", out var refusal), Is.Null);
        Assert.That(refusal, Does.Contain("loop"));
    }

    [Test]
    public void PngSize_ReadsWidthAndHeightFromIhdr_AndRefusesAnythingElse()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PngSize.Read(PngFile.Create(7, 3)), Is.EqualTo(new PngSize(7, 3)));
            Assert.That(PngSize.Read("GIF89a-not-a-png-at-all-not-a-png-at-all"u8), Is.Null);
            Assert.That(PngSize.Read(PngFile.Create(7, 3).AsSpan(0, 20)), Is.Null, "cut inside IHDR");
        });
    }
}
