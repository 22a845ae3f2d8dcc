using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>The checkpoint of a source that cannot be read again (FIFO, stdin, UDP): the run it feeds, not a position.</summary>
public sealed class StreamCheckpointTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-stream-checkpoint-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static SourceMark Mark(string source, long step) => new(source, 4096 * step, 10 * step, 4096 * step, step);

    [TestCase("-")]
    [TestCase("udp://127.0.0.1:34200")]
    [TestCase("events.pipe")]
    public void Save_KeepsSourceSessionAndRun_WithoutAPosition_AndWritesOnlyWhenTheRunChanges(string source)
    {
        var store = new SourceCheckpointStore(_dir, source, tracksPosition: false);
        var now = DateTimeOffset.UnixEpoch;

        Assert.That(store.Save(Mark(source, 1), "abcd1234", now, "nauvis_1"), Is.True, "the first run is saved though no file identity is known");
        Assert.That(store.Save(Mark(source, 2), "abcd1234", now, "nauvis_1"), Is.False, "the same run again: nothing to write");
        var first = new SourceCheckpointStore(_dir, source, tracksPosition: false).Load();
        Assert.That(store.Save(Mark(source, 3), "wxyz5678", now, "vulcanus_2"), Is.True, "another run");
        var second = new SourceCheckpointStore(_dir, source, tracksPosition: false).Load();

        Assert.That((first!.RunId, first.SessionId, first.Offset, first.Line, first.ThroughOffset, first.LastStep), Is.EqualTo(("abcd1234", (string?)"nauvis_1", 0L, 0L, 0L, (long?)null)));
        Assert.That((second!.RunId, second.SessionId), Is.EqualTo(("wxyz5678", (string?)"vulcanus_2")));
        Assert.That(second.Source, Is.EqualTo(source == "events.pipe" ? Path.GetFullPath(source) : source), "stdin and UDP addresses are kept as given, paths made absolute");
        Assert.That(Path.GetFileName(store.FilePath), Does.Match("^[0-9a-f]{32}\\.json$"), "the file name is a hash, never the source");
    }

    [Test]
    public void Load_RemembersTheSavedRun_SoContinuingItWritesNothing()
    {
        new SourceCheckpointStore(_dir, "-", tracksPosition: false).Save(Mark("-", 1), "abcd1234", DateTimeOffset.UnixEpoch, "s");
        var restarted = new SourceCheckpointStore(_dir, "-", tracksPosition: false);
        restarted.Load();

        Assert.That(restarted.Save(Mark("-", 5), "abcd1234", DateTimeOffset.UnixEpoch, "s"), Is.False);
    }
}
