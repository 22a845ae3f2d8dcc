using System.Text;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>The checkpoint's fingerprint of the bytes before its offset: written, checked, and optional (old checkpoints still resume).</summary>
public sealed class CheckpointFingerprintTests
{
    private string _dir = null!;
    private string _source = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxf-fingerprint-").FullName;
        _source = Path.Combine(_dir, "events.jsonl");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private SourceCheckpointStore Store() => new(Path.Combine(_dir, "checkpoints"), _source);

    [Test]
    public async Task SavedCheckpoint_HasAFingerprint_AndResumesTheSameFile()
    {
        await File.WriteAllTextAsync(_source, "line-1\nline-2\n");
        var store = Store();
        store.Observe(new TailPosition(FileIdentities.OfPath(_source)!.Value, 14));

        Assert.That(store.Save(new SourceMark(_source, 7, 1, 14, 1), "abcd1234", DateTimeOffset.UnixEpoch), Is.True);
        var checkpoint = Store().Load()!;

        Assert.That(checkpoint.Fingerprint, Does.Match("^sha256:[0-9a-f]{64}$"));
        Assert.That(Store().ResumePosition(checkpoint), Is.EqualTo(checkpoint.Position));
    }

    [Test]
    public async Task SameInodeRewrittenLonger_IsNotResumed()
    {
        await File.WriteAllTextAsync(_source, "line-1\nline-2\n");
        var store = Store();
        store.Observe(new TailPosition(FileIdentities.OfPath(_source)!.Value, 14));
        store.Save(new SourceMark(_source, 7, 1, 14, 1), "abcd1234", DateTimeOffset.UnixEpoch);
        await using (var file = new FileStream(_source, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(0);
            await file.WriteAsync(Encoding.UTF8.GetBytes("other-1\nother-2\nother-3\n"));
        }

        Assert.That(Store().ResumePosition(Store().Load()!), Is.Null, "the bytes before the offset changed: read anew");
    }

    [Test]
    public async Task CheckpointWithoutAFingerprint_AsWrittenBefore_StillLoadsAndResumes()
    {
        await File.WriteAllTextAsync(_source, "line-1\nline-2\n");
        var identity = FileIdentities.OfPath(_source)!.Value;
        var store = Store();
        Directory.CreateDirectory(store.Directory);
        await File.WriteAllTextAsync(store.FilePath, $$"""
            { "version": 1, "source": "{{_source}}", "device": {{identity.Device}}, "inode": {{identity.Inode}},
              "offset": 7, "line": 1, "through_offset": 14, "run_id": "abcd1234", "last_step": 1 }
            """);

        var checkpoint = store.Load()!;

        Assert.That(checkpoint.Fingerprint, Is.Null);
        Assert.That(store.ResumePosition(checkpoint), Is.EqualTo(new TailPosition(identity, 7)));
    }
}
