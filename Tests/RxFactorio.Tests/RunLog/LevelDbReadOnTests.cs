using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

/// <summary>Reading on from where a record ends: what a sender following a growing log does.</summary>
public sealed class LevelDbReadOnTests
{
    [Test]
    public void OpenAt_TheEndOfAnyRecord_ReadsExactlyTheRecordsAfterIt_AcrossBlocksAndSplitRecords()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-readon01.wandb");
        var random = new Random(7);
        var payloads = Enumerable.Range(0, 120).Select(i => Enumerable.Repeat((byte)i, random.Next(0, i % 10 == 0 ? 70_000 : 900)).ToArray()).ToList();
        using (var writer = LevelDbLogWriter.Create(path))
        {
            payloads.ForEach(p => writer.Append(p));
        }
        var all = LevelDbLogReader.ReadAll(path).Records;
        Assert.That(all.Select(r => r.Payload), Is.EqualTo(payloads));

        for (var i = 0; i < all.Count; i += 7)
        {
            using var reader = LevelDbLogReader.OpenAt(path, all[i].End);
            var rest = reader.ReadRecords().ToList();
            Assert.That(rest.Select(r => r.Offset), Is.EqualTo(all.Skip(i + 1).Select(r => r.Offset)), $"after record {i}");
            Assert.That(reader.Report.IsClean, Is.True);
        }
        using var start = LevelDbLogReader.OpenAt(path, 0);
        Assert.That(start.ReadRecords().Count(), Is.EqualTo(all.Count));
        using var end = LevelDbLogReader.OpenAt(path, new FileInfo(path).Length + 100);
        Assert.That(end.ReadRecords(), Is.Empty, "past the end (a cut log): nothing, no error");
    }
}
