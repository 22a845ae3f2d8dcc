using System.Security.Cryptography;
using System.Text;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>The checkpoint's fingerprint of the bytes before its offset: written, checked, and optional (old checkpoints, and those named and fingerprinted by SHA-256, still resume).</summary>
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

        Assert.That(checkpoint.Fingerprint, Does.Match("^xxh128:[0-9a-f]{32}$"));
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

    [Test]
    public async Task CheckpointWrittenBeforeTheSwitchFromSha256_IsFoundResumedAndReplacedOnTheNextSave()
    {
        var content = "line-1\nline-2\n";
        await File.WriteAllTextAsync(_source, content);
        var identity = FileIdentities.OfPath(_source)!.Value;
        var store = Store();
        Directory.CreateDirectory(store.Directory);
        // As written before 2026-12-03: named by the SHA-256 of the path, fingerprinted with SHA-256 of the head then the bytes before the offset.
        var legacyFile = Path.Combine(store.Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_source)))[..32] + ".json");
        var before = Encoding.UTF8.GetBytes(content[..7]);
        var fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. before, .. before]));
        await File.WriteAllTextAsync(legacyFile, $$"""
            { "version": 1, "source": "{{_source}}", "device": {{identity.Device}}, "inode": {{identity.Inode}},
              "offset": 7, "line": 1, "through_offset": 14, "run_id": "abcd1234", "last_step": 1, "fingerprint": "{{fingerprint}}" }
            """);
        await File.WriteAllTextAsync(Path.Combine(store.Directory, "0123456789abcdef0123456789abcdef.json"), "not a checkpoint");

        var checkpoint = store.Load()!;

        Assert.That(store.FilePath, Is.Not.EqualTo(legacyFile));
        Assert.That(checkpoint.RunId, Is.EqualTo("abcd1234"));
        Assert.That(store.ResumePosition(checkpoint), Is.EqualTo(new TailPosition(identity, 7)), "the SHA-256 fingerprint still matches the same bytes");

        store.Observe(new TailPosition(identity, 14));
        store.Save(new SourceMark(_source, 14, 2, 14, 2), "abcd1234", DateTimeOffset.UnixEpoch);

        Assert.That(File.Exists(legacyFile), Is.False, "the old file is replaced, not left to be found again");
        Assert.That(Store().Load()!.Offset, Is.EqualTo(14));
    }

    [Test]
    public async Task Sha256FingerprintOfOtherBytes_IsNotResumed()
    {
        await File.WriteAllTextAsync(_source, "line-1\nline-2\n");
        var identity = FileIdentities.OfPath(_source)!.Value;
        var store = Store();
        Directory.CreateDirectory(store.Directory);
        var other = Encoding.UTF8.GetBytes("LINE-1\n");
        await File.WriteAllTextAsync(store.FilePath, $$"""
            { "version": 1, "source": "{{_source}}", "device": {{identity.Device}}, "inode": {{identity.Inode}},
              "offset": 7, "line": 1, "through_offset": 14, "run_id": "abcd1234", "last_step": 1,
              "fingerprint": "sha256:{{Convert.ToHexStringLower(SHA256.HashData([.. other, .. other]))}}" }
            """);

        Assert.That(store.ResumePosition(store.Load()!), Is.Null, "the file was rewritten since: read anew");
    }
}
