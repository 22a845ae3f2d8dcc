using System.Text;
using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

public sealed class LevelDbFramingTests
{
    private const int Full = 1, First = 2, Middle = 3, Last = 4;
    private const int FirstBlockRoom = Chunks.Block - 7; // block 0 holds the 7-byte file header

    private static byte[] Write(params byte[][] records) => LogFiles.Write(records);

    private static (List<LogRecord> Records, LogReadReport Report) Read(byte[] file) => LogFiles.Read(file);

    [Test]
    public void Crc32_MatchesTheStandardCheckValueAndZlib()
    {
        Assert.That(LevelDbLogFormat.Crc32("123456789"u8), Is.EqualTo(0xCBF43926u));
        Assert.That(LevelDbLogFormat.Crc32([]), Is.EqualTo(0u));
        Assert.That(LevelDbLogFormat.ChunkChecksum(ChunkType.Full, []), Is.EqualTo(0xA505DF1Bu), "zlib.crc32(b'\\x01')");
        Assert.That(LevelDbLogFormat.ChunkChecksum(ChunkType.Full, [0xAA, 0x01, 0x00]), Is.EqualTo(0x540C518Eu), "the doc's vector");
    }

    [Test]
    public void OneHeaderRecord_IsTheDocsTestVectorByteForByte_AndReadsBack()
    {
        byte[] vector = [0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00, 0x8e, 0x51, 0x0c, 0x54, 0x03, 0x00, 0x01, 0xaa, 0x01, 0x00];

        var file = Write([0xAA, 0x01, 0x00]);
        var (records, report) = Read(vector);

        Assert.That(file, Is.EqualTo(vector));
        Assert.That(records.Select(r => r.Payload), Is.EqualTo(new[] { new byte[] { 0xAA, 0x01, 0x00 } }));
        Assert.That((records[0].Offset, records[0].End), Is.EqualTo((7L, 17L)));
        Assert.That(report.IsClean && report.RecordsRead == 1 && report.AppendOffset == 17, report.ToString());
    }

    [Test]
    public void RunLogWriter_WritesTheDocsTestVectorForANewLog()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run-abcd1234.wandb");
        using (RunLogWriter.Create(path))
        {
        }
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00, 0x8e, 0x51, 0x0c, 0x54, 0x03, 0x00, 0x01, 0xaa, 0x01, 0x00 }));
    }

    [Test]
    public void EmptyLog_IsJustTheFileHeader()
    {
        var file = Write();
        Assert.That(file, Is.EqualTo(LevelDbLogFormat.FileHeader.ToArray()));
        Assert.That(Read(file).Records, Is.Empty);
        Assert.That(Read(file).Report.IsClean);
    }

    [TestCase(0)]
    [TestCase(1)]
    public void TinyRecords_AreOneFullChunk(int size)
    {
        var record = Chunks.Pattern(size, 1);
        var file = Write(record);

        Assert.That(Chunks.List(file), Is.EqualTo(new[] { (7L, (byte)Full, size) }));
        Assert.That(file.Length, Is.EqualTo(7 + 7 + size));
        Assert.That(Read(file).Records.Single().Payload, Is.EqualTo(record));
    }

    [Test]
    public void RecordFillingTheFirstBlockExactly_IsOneFullChunk_AndTheNextStartsTheNextBlock()
    {
        var file = Write(Chunks.Pattern(FirstBlockRoom - 7, 1), Chunks.Pattern(3, 2));

        Assert.That(Chunks.List(file), Is.EqualTo(new[] { (7L, (byte)Full, FirstBlockRoom - 7), (32768L, (byte)Full, 3) }));
    }

    [Test]
    public void RecordOneByteOverTheBlock_IsFirstAndLast()
    {
        var record = Chunks.Pattern(FirstBlockRoom - 7 + 1, 1);
        var file = Write(record);

        Assert.That(Chunks.List(file), Is.EqualTo(new[] { (7L, (byte)First, FirstBlockRoom - 7), (32768L, (byte)Last, 1) }));
        Assert.That(Read(file).Records.Single().Payload, Is.EqualTo(record));
    }

    [Test]
    public void RecordOneByteUnderTheBlock_LeavesOneBytePadding()
    {
        var file = Write(Chunks.Pattern(FirstBlockRoom - 8, 1), Chunks.Pattern(5, 2));

        Assert.That(Chunks.List(file), Is.EqualTo(new[] { (7L, (byte)Full, FirstBlockRoom - 8), (32768L, (byte)Full, 5) }));
        Assert.That(file[32767], Is.EqualTo(0));
    }

    [Test]
    public void ExactlySevenBytesLeft_ARecordStartsThereWithAZeroLengthFirstChunk()
    {
        var second = Chunks.Pattern(10, 2);
        var file = Write(Chunks.Pattern(FirstBlockRoom - 7 - 7, 1), second);

        Assert.That(Chunks.List(file), Is.EqualTo(new[]
        {
            (7L, (byte)Full, FirstBlockRoom - 14),
            (32768L - 7, (byte)First, 0),
            (32768L, (byte)Last, 10),
        }));
        var (records, report) = Read(file);
        Assert.That(records[1].Payload, Is.EqualTo(second));
        Assert.That(records[1].Offset, Is.EqualTo(32768L - 7));
        Assert.That(report.IsClean, report.ToString());
    }

    [Test]
    public void ExactlySevenBytesLeft_AnEmptyRecordFitsThereAsAFullChunk()
    {
        var file = Write(Chunks.Pattern(FirstBlockRoom - 14, 1), [], Chunks.Pattern(4, 3));

        Assert.That(Chunks.List(file), Is.EqualTo(new[]
        {
            (7L, (byte)Full, FirstBlockRoom - 14),
            (32768L - 7, (byte)Full, 0),
            (32768L, (byte)Full, 4),
        }));
        Assert.That(Read(file).Records.Select(r => r.Payload.Length), Is.EqualTo(new[] { FirstBlockRoom - 14, 0, 4 }));
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(6)]
    public void FewerThanSevenBytesLeft_AreZeroPaddedAndTheNextRecordStartsTheNextBlock(int left)
    {
        var file = Write(Chunks.Pattern(FirstBlockRoom - 7 - left, 1), Chunks.Pattern(20, 2));

        Assert.That(Chunks.List(file), Is.EqualTo(new[] { (7L, (byte)Full, FirstBlockRoom - 7 - left), (32768L, (byte)Full, 20) }));
        Assert.That(file.AsSpan(32768 - left, left).ToArray(), Is.All.EqualTo((byte)0));
        Assert.That(Read(file).Records.Select(r => r.Payload.Length), Is.EqualTo(new[] { FirstBlockRoom - 7 - left, 20 }));
    }

    [Test]
    public void RecordSpanningFourBlocks_IsFirstMiddleMiddleLast()
    {
        var record = Chunks.Pattern(100_000, 7);
        var file = Write(record);

        Assert.That(Chunks.List(file), Is.EqualTo(new[]
        {
            (7L, (byte)First, FirstBlockRoom - 7),
            (32768L, (byte)Middle, 32768 - 7),
            (65536L, (byte)Middle, 32768 - 7),
            (98304L, (byte)Last, 100_000 - (FirstBlockRoom - 7) - 2 * (32768 - 7)),
        }));
        Assert.That(Read(file).Records.Single().Payload, Is.EqualTo(record));
    }

    [Test]
    public void ThousandsOfRandomSizeRecords_RoundTrip()
    {
        var random = new Random(20260101);
        var records = Enumerable.Range(0, 3000).Select(i =>
        {
            var size = (i % 10) switch
            {
                0 => random.Next(0, 80_000),
                1 => random.Next(32_700, 32_800),
                _ => random.Next(0, 300),
            };
            return Chunks.Pattern(size, i);
        }).ToArray();

        var file = Write(records);
        var (read, report) = Read(file);

        Assert.That(report.IsClean, report.ToString());
        Assert.That(read, Has.Count.EqualTo(records.Length));
        for (var i = 0; i < records.Length; i++)
        {
            Assert.That(read[i].Payload, Is.EqualTo(records[i]), $"record {i}");
        }
        Assert.That(report.AppendOffset, Is.EqualTo(file.Length));
        Assert.That(Chunks.List(file).All(c => c.Offset / Chunks.Block == (c.Offset + 7 + c.Length - 1) / Chunks.Block), "no chunk crosses a block");
    }

    [Test]
    public void ReopeningToAppend_GivesTheSameBytesAsWritingInOneGo()
    {
        using var dir = new TempDirectory();
        var records = Enumerable.Range(0, 200).Select(i => Chunks.Pattern(i * 37 % 5000, i)).ToArray();
        var path = dir.File("log.wandb");

        using (var writer = LevelDbLogWriter.Create(path))
        {
            foreach (var record in records[..77])
            {
                writer.Append(record);
            }
        }
        var (_, report) = LevelDbLogReader.ReadAll(path);
        using (var writer = LevelDbLogWriter.OpenAppend(path, report.AppendOffset))
        {
            foreach (var record in records[77..])
            {
                writer.Append(record);
            }
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(Write(records)));
    }

    [Test]
    public void Utf8Text_RoundTrips()
    {
        var text = Encoding.UTF8.GetBytes("production/iron-plate 💥 ../../etc/passwd");
        Assert.That(Read(Write(text)).Records.Single().Payload, Is.EqualTo(text));
    }
}
