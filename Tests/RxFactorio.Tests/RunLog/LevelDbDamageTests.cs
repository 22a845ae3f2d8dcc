using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

public sealed class LevelDbDamageTests
{
    // 1000-byte records: 32 whole ones fit block 0, the 33rd spans blocks 0 and 1, and so on.
    private static readonly byte[][] Records = [.. Enumerable.Range(0, 150).Select(i => Chunks.Pattern(1000, i))];

    private static byte[] WriteAll(byte[][] records) => LogFiles.Write(records);

    private static (List<LogRecord> Records, LogReadReport Report) Read(byte[] file) => LogFiles.Read(file);

    [Test]
    public void FlippedByte_RecordsBeforeSurvive_TheDamagedOneIsReported_LaterBlocksAreRecovered()
    {
        var file = WriteAll(Records);
        var clean = Read(file).Records;
        var damaged = clean[10];
        file[damaged.Offset + 7 + 500] ^= 0x40;

        var (records, report) = Read(file);

        var survivors = clean.Where(r => r.Offset < damaged.Offset || r.Offset >= Chunks.Block).ToList();
        Assert.That(records.Select(r => r.Offset), Is.EqualTo(survivors.Select(r => r.Offset)));
        Assert.That(records.Select(r => r.Payload), Is.EqualTo(survivors.Select(r => r.Payload)));
        Assert.That(report.Damage[0], Is.EqualTo(new LogDamage(damaged.Offset, Chunks.Block - damaged.Offset, LogDamageKind.BadChecksum)));
        // The record that began in the skipped part of block 0 lost its start: its LAST chunk in block 1 is reported too.
        Assert.That(report.Damage[1].Kind, Is.EqualTo(LogDamageKind.MissingStart));
        Assert.That(report.Damage[1].Offset, Is.EqualTo(Chunks.Block));
        Assert.That(report.Damage, Has.Count.EqualTo(2));
        Assert.That(report.BytesSkipped, Is.EqualTo(report.Damage.Sum(d => d.Length)));
        Assert.That(report.RecordsRead, Is.EqualTo(records.Count));
    }

    [Test]
    public void FlippedByteInTheMiddleOfAMultiBlockRecord_DropsItAndResynchronises()
    {
        var big = Chunks.Pattern(80_000, 99);
        var file = WriteAll([Chunks.Pattern(10, 1), big, Chunks.Pattern(20, 2)]);
        file[Chunks.Block + 100] ^= 1; // inside the MIDDLE chunk in block 1

        var (records, report) = Read(file);

        Assert.That(records.Select(r => r.Payload.Length), Is.EqualTo(new[] { 10, 20 }));
        Assert.That(report.Damage.Select(d => d.Kind), Is.EqualTo(new[] { LogDamageKind.IncompleteRecord, LogDamageKind.BadChecksum, LogDamageKind.MissingStart }));
        Assert.That(report.Damage[0].Offset, Is.EqualTo(7 + 17), "the FIRST chunk of the big record");
        Assert.That(report.Damage[1].Offset, Is.EqualTo(Chunks.Block));
    }

    [Test]
    public void BadLength_SkipsTheRestOfTheBlock()
    {
        var file = WriteAll(Records);
        var clean = Read(file).Records;
        var victim = clean[5];
        file[victim.Offset + 4] = 0xFF; // length 0xFFFF runs past the block
        file[victim.Offset + 5] = 0xFF;

        var (records, report) = Read(file);

        Assert.That(records.Count(r => r.Offset < Chunks.Block), Is.EqualTo(5));
        Assert.That(report.Damage[0], Is.EqualTo(new LogDamage(victim.Offset, Chunks.Block - victim.Offset, LogDamageKind.BadLength)));
    }

    [TestCase(3, Description = "inside the chunk header")]
    [TestCase(500, Description = "inside the payload")]
    public void TruncatedMidRecord_EverythingBeforeIsRead_AndTheTailIsReported(int cut)
    {
        var file = WriteAll(Records[..20]);
        var clean = Read(file).Records;
        var last = clean[^1];
        var truncated = file[..(int)(last.Offset + cut)];

        var (records, report) = Read(truncated);

        Assert.That(records.Select(r => r.Payload), Is.EqualTo(Records[..19]));
        Assert.That(report.Damage, Is.EqualTo(new[] { new LogDamage(last.Offset, cut, LogDamageKind.TruncatedTail) }));
        Assert.That(report.AppendOffset, Is.EqualTo(clean[^2].End));
    }

    [Test]
    public void TruncatedInsideAMultiBlockRecord_ReportsItFromItsFirstChunk()
    {
        var file = WriteAll([Chunks.Pattern(10, 1), Chunks.Pattern(100_000, 2)]);
        var truncated = file[..(Chunks.Block * 2 + 50)];

        var (records, report) = Read(truncated);

        Assert.That(records.Single().Payload.Length, Is.EqualTo(10));
        Assert.That(report.Damage.Select(d => d.Kind), Is.EqualTo(new[] { LogDamageKind.TruncatedTail, LogDamageKind.TruncatedTail }));
        Assert.That(report.Damage.Select(d => d.Offset), Is.EqualTo(new long[] { 24, Chunks.Block * 2 }));
        Assert.That(report.AppendOffset, Is.EqualTo(24));
    }

    [Test]
    public void TornTail_IsCutWhenTheLogIsReopened_AndNewRecordsReadBack()
    {
        using var dir = new TempDirectory();
        var path = dir.File("log.wandb");
        File.WriteAllBytes(path, WriteAll(Records[..40])[..^300]);

        var (_, before) = LevelDbLogReader.ReadAll(path);
        using (var writer = LevelDbLogWriter.OpenAppend(path, before.AppendOffset))
        {
            writer.Append(Chunks.Pattern(5, 500));
        }
        var (records, after) = LevelDbLogReader.ReadAll(path);

        Assert.That(before.Damage.Single().Kind, Is.EqualTo(LogDamageKind.TruncatedTail));
        Assert.That(after.IsClean, after.ToString());
        Assert.That(records.Select(r => r.Payload), Is.EqualTo(Records[..39].Append(Chunks.Pattern(5, 500))));
    }

    [TestCase(new byte[] { 0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x01 }, TestName = "BadHeader_Version1")]
    [TestCase(new byte[] { 0x3a, 0x57, 0x26, 0x42, 0xbe, 0xe1, 0x00 }, TestName = "BadHeader_MagicBigEndian")]
    [TestCase(new byte[] { 0x3a, 0x57, 0x26 }, TestName = "BadHeader_TooShort")]
    [TestCase(new byte[0], TestName = "BadHeader_EmptyFile")]
    public void BadHeader_IsAClearError(byte[] header)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.wandb");
        File.WriteAllBytes(path, [.. header, .. new byte[20]]);
        if (header.Length < 7)
        {
            File.WriteAllBytes(path, header);
        }

        var error = Assert.Throws<InvalidDataException>(() => LevelDbLogReader.ReadAll(path));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("not a W&B transaction log"));
    }

    [Test]
    public void ZeroFilledTail_IsNotDamage()
    {
        var file = WriteAll(Records[..3]);
        var padded = file.Concat(new byte[100]).ToArray();

        var (records, report) = Read(padded);

        Assert.That(records, Has.Count.EqualTo(3));
        Assert.That(report.IsClean, report.ToString());
    }
}
