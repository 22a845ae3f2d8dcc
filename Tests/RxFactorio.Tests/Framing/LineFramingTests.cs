using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Framing;

public sealed class LineFramingTests
{
    private static readonly byte[] Corpus = Encoding.UTF8.GetBytes(
        "{\"type\":\"session_init\",\"session_id\":\"freeplay_216000\",\"tick\":216000}\n" +
        "{\"type\":\"stats\",\"session_id\":\"s\",\"cycle\":1801,\"tick\":216120,\"products_production\":{\"iron-plate\":468.75}}\r\n" +
        "\n" +
        "   \r\n" +
        "{\"name\":\"💡 lampe ü\"}\n" +
        "last line without newline");

    private static readonly CollectedLine[] Expected = ReferenceLines(Corpus);

    /// <summary>An independent model of framing: split the whole text on LF, trim one CR, drop blank lines.</summary>
    private static CollectedLine[] ReferenceLines(byte[] corpus)
    {
        var result = new List<CollectedLine>();
        long offset = 0;
        var parts = Encoding.UTF8.GetString(corpus).Split('\n');
        for (var i = 0; i < parts.Length; i++)
        {
            var isLast = i == parts.Length - 1;
            offset += Encoding.UTF8.GetByteCount(parts[i]) + (isLast ? 0 : 1);
            var text = parts[i].EndsWith('\r') ? parts[i][..^1] : parts[i];
            if (!string.IsNullOrWhiteSpace(text))
            {
                result.Add(new CollectedLine(text, i + 1, offset));
            }
        }
        return [.. result];
    }

    [Test]
    public void Framing_ReferenceModel_SeesTheCorpusLines()
    {
        Assert.That(Expected.Select(l => l.Number), Is.EqualTo(new long[] { 1, 2, 5, 6 }));
        Assert.That(Expected[^1].EndOffset, Is.EqualTo(Corpus.Length));
    }

    [Test]
    public void Framing_WholeCorpusInOneChunk_YieldsLinesWithNumbersAndOffsets()
    {
        var (lines, diagnostics) = Frame.Chunks([Sequences.Of(Corpus)]);

        Assert.That(lines, Is.EqualTo(Expected));
        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public void Framing_EverySplitPointOfTheCorpus_YieldsTheSameLines()
    {
        for (var split = 0; split <= Corpus.Length; split++)
        {
            var (lines, _) = Frame.Chunks([Sequences.Of(Corpus[..split]), Sequences.Of(Corpus[split..])]);
            Assert.That(lines, Is.EqualTo(Expected), $"split at byte {split}");
        }
    }

    [Test]
    public void Framing_EverySplitPointWithMultiSegmentChunks_YieldsTheSameLines()
    {
        for (var split = 0; split <= Corpus.Length; split++)
        {
            var head = Corpus[..split];
            var tail = Corpus[split..];
            var inner = tail.Length / 2;
            var (lines, _) = Frame.Chunks([Sequences.Of(head[..(head.Length / 2)], head[(head.Length / 2)..]), Sequences.Of(tail[..inner], tail[inner..])]);
            Assert.That(lines, Is.EqualTo(Expected), $"split at byte {split}");
        }
    }

    [Test]
    public void Framing_OneByteSegmentsInOneChunk_YieldsTheSameLines()
    {
        var (lines, _) = Frame.Chunks([Sequences.OneByteSegments(Corpus)]);

        Assert.That(lines, Is.EqualTo(Expected));
    }

    [Test]
    public void Framing_OneByteChunks_YieldsTheSameLines()
    {
        var (lines, _) = Frame.Chunks(Corpus.Select(b => Sequences.Of([b])));

        Assert.That(lines, Is.EqualTo(Expected));
    }

    [Test]
    public void Framing_PartialLastLineWhenSourceDoesNotComplete_IsHeldBack()
    {
        var (lines, _) = Frame.Chunks([Sequences.Of(Corpus)], complete: false);

        Assert.That(lines.Select(l => l.Number), Is.EqualTo(new long[] { 1, 2, 5 }));
    }

    [Test]
    public void Framing_LineLongerThanCap_IsSkippedAndReportedOnceWithItsLineNumber()
    {
        var input = Encoding.UTF8.GetBytes("{\"a\":1}\n" + new string('x', 100) + "\n{\"b\":2}\n");

        for (var split = 0; split <= input.Length; split++)
        {
            var (lines, diagnostics) = Frame.Chunks([Sequences.Of(input[..split]), Sequences.Of(input[split..])], maxLineBytes: 50);

            Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "{\"a\":1}", "{\"b\":2}" }), $"split at {split}");
            Assert.That(lines.Select(l => l.Number), Is.EqualTo(new long[] { 1, 3 }), $"split at {split}");
            Assert.That(lines[1].EndOffset, Is.EqualTo(input.Length), $"split at {split}");
            Assert.That(diagnostics, Has.Count.EqualTo(1), $"split at {split}");
            Assert.That(diagnostics[0].Reason, Is.EqualTo(DiagnosticReason.LineTooLong));
            Assert.That(diagnostics[0].LineNumber, Is.EqualTo(2));
            Assert.That(diagnostics[0].Source, Is.EqualTo("test.jsonl"));
            Assert.That(diagnostics[0].Excerpt.Length, Is.LessThanOrEqualTo(IngestDiagnostic.MaxExcerptChars + 1));
        }
    }

    [Test]
    public void Framing_LineOfExactlyTheCap_IsKept()
    {
        var line = new string('y', 50);
        var input = Encoding.UTF8.GetBytes(line + "\r\n" + line + "\n");

        for (var split = 0; split <= input.Length; split++)
        {
            var (lines, diagnostics) = Frame.Chunks([Sequences.Of(input[..split]), Sequences.Of(input[split..])], maxLineBytes: 50);

            Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { line, line }), $"split at {split}");
            Assert.That(diagnostics, Is.Empty, $"split at {split}");
        }
    }

    [Test]
    public void Framing_HugeLineArrivingInSmallChunks_IsSkippedWithoutStoppingTheStream()
    {
        var huge = new byte[10 * 1024 * 1024];
        huge.AsSpan().Fill((byte)'z');
        var input = Encoding.UTF8.GetBytes("{\"a\":1}\n").Concat(huge).Concat(Encoding.UTF8.GetBytes("\n{\"b\":2}")).ToArray();
        var chunks = input.Chunk(64 * 1024).Select(c => Sequences.Of(c));

        var (lines, diagnostics) = Frame.Chunks(chunks, maxLineBytes: 1024 * 1024);

        Assert.That(lines.Select(l => (l.Text, l.Number)), Is.EqualTo(new[] { ("{\"a\":1}", 1L), ("{\"b\":2}", 3L) }));
        Assert.That(diagnostics.Select(d => (d.Reason, d.LineNumber)), Is.EqualTo(new[] { (DiagnosticReason.LineTooLong, 2L) }));
    }

    [Test]
    public void Framing_OverlongLastLineWithoutNewline_IsReportedNotDelivered()
    {
        var input = Encoding.UTF8.GetBytes("{\"a\":1}\n" + new string('q', 80));

        var (lines, diagnostics) = Frame.Chunks(input.Chunk(7).Select(c => Sequences.Of(c)), maxLineBytes: 50);

        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "{\"a\":1}" }));
        Assert.That(diagnostics.Select(d => d.LineNumber), Is.EqualTo(new long[] { 2 }));
    }

    [TestCase(int.MaxValue)]
    [TestCase(int.MaxValue - 1)]
    public void Framing_CapNearIntMax_AcceptsALineThatSpansChunks(int maxLineBytes)
    {
        // #11.10: cap + 1 (room for a CR) wrapped to a negative number, so any line that spanned
        // two chunks was reported as longer than the limit.
        var line = new byte[5 * 1024 * 1024];
        line.AsSpan().Fill((byte)'x');
        var bytes = line.Append((byte)'\n').ToArray();

        var (lines, diagnostics) = Frame.Chunks(bytes.Chunk(64 * 1024).Select(c => Sequences.Of(c)), maxLineBytes);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(lines.Single().Text.Length, Is.EqualTo(line.Length));
    }
}
