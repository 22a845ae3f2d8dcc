using System.Buffers;
using System.Text;
using CsCheck;
using RxFactorio.Diagnostics;
using RxFactorio.Framing;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Properties;

/// <summary>
/// Framing, for random byte streams cut at random points: every line is accounted for with its
/// number and offset (as a reference split says), nothing throws, and the framer never holds
/// more than the cap (plus one byte for a CR) of a partial line.
/// </summary>
public sealed class FramingProperties
{
    private static readonly Gen<byte> StreamByte = Gen.Frequency(
        (6, Gen.Byte[(byte)'a', (byte)'e']),
        (3, Gen.Const((byte)'\n')),
        (1, Gen.Const((byte)'\r')),
        (1, Gen.Const((byte)' ')),
        (1, Gen.Const((byte)'\t')),
        (1, Gen.Byte));

    /// <summary>A stream, the cap, and the lengths of the chunks it arrives in (a chunk may hold several segments).</summary>
    private static readonly Gen<(byte[] Stream, int Cap, int[] Chunks, bool Complete)> Case =
        Gen.Select(StreamByte.Array[0, 400], Gen.Frequency((9, Gen.Int[1, 40]), (1, Gen.OneOf(int.MaxValue, int.MaxValue - 1))), Gen.Int[1, 60].Array[1, 30], Gen.Bool);

    [Test]
    public void Framing_RandomStreamsAndSplits_AccountForEveryLine_AndStayBounded() =>
        PropertyCheck.Run(Case, c =>
        {
            var (lines, diagnostics, maxBuffered) = FrameAll(c.Stream, c.Cap, c.Chunks, c.Complete);
            var expected = ReferenceSplit(c.Stream, c.Cap, c.Complete);

            Assert.That(lines.Select(l => (l.Number, l.Text, l.EndOffset)), Is.EqualTo(expected.Lines));
            Assert.That(diagnostics.Select(d => (d.LineNumber, d.Reason, d.Source)),
                Is.EqualTo(expected.TooLong.Select(n => (n, DiagnosticReason.LineTooLong, "p.jsonl"))));
            Assert.That(lines.Count + diagnostics.Count + expected.Blank, Is.EqualTo(expected.Read), "accepted + rejected + skipped = lines read");
            Assert.That(maxBuffered, Is.LessThanOrEqualTo(c.Cap + 1L), "bytes of a partial line held");
        }, iterations: 800, print: c => $"cap {c.Cap}, complete {c.Complete}, chunks [{string.Join(",", c.Chunks)}], stream {Convert.ToHexString(c.Stream)}");

    private static (List<CollectedLine> Lines, List<IngestDiagnostic> Diagnostics, int MaxBuffered) FrameAll(byte[] stream, int cap, int[] chunks, bool complete)
    {
        var lines = new List<CollectedLine>();
        var diagnostics = new List<IngestDiagnostic>();
        var observer = System.Reactive.Observer.Create<Line>(line => lines.Add(CollectedLine.From(line)));
        using var framer = new LineFramer("p.jsonl", new FramingOptions { MaxLineBytes = cap, Diagnostics = System.Reactive.Observer.Create<IngestDiagnostic>(diagnostics.Add) });
        var maxBuffered = 0;
        var at = 0;
        var next = 0;
        while (at < stream.Length)
        {
            var length = Math.Min(chunks[next++ % chunks.Length], stream.Length - at);
            var chunk = stream.AsSpan(at, length).ToArray();
            // Two segments when the chunk allows, as a PipeReader hands out a sequence across buffers.
            var sequence = chunk.Length > 1 ? Sequences.Of(chunk[..(chunk.Length / 2)], chunk[(chunk.Length / 2)..]) : Sequences.Of(chunk);
            framer.Push(sequence, observer);
            maxBuffered = Math.Max(maxBuffered, framer.BufferedBytes);
            at += length;
        }
        if (complete)
        {
            framer.Complete(observer);
        }
        return (lines, diagnostics, maxBuffered);
    }

    /// <summary>The contract, written plainly: split at LF, drop one CR before it, skip blank lines, report lines over the cap.</summary>
    private static (List<(long, string, long)> Lines, List<long> TooLong, int Blank, int Read) ReferenceSplit(byte[] stream, int cap, bool complete)
    {
        var lines = new List<(long, string, long)>();
        var tooLong = new List<long>();
        var blank = 0;
        var read = 0;
        var start = 0;
        long number = 0;
        while (start < stream.Length)
        {
            var newline = Array.IndexOf(stream, (byte)'\n', start);
            if (newline < 0 && !complete)
            {
                // A partial line is held, unless it is already over the cap (plus a CR): reported at once.
                if (stream.Length - start > cap + 1L)
                {
                    tooLong.Add(++number);
                    read++;
                }
                break;
            }
            var end = newline < 0 ? stream.Length : newline;
            var content = stream.AsSpan(start, end - start);
            if (newline >= 0 && content.Length > 0 && content[^1] == (byte)'\r')
            {
                content = content[..^1];
            }
            else if (newline < 0 && content.Length > 0 && content[^1] == (byte)'\r')
            {
                content = content[..^1];
            }
            number++;
            read++;
            var endOffset = newline < 0 ? stream.Length : newline + 1;
            if (content.Length > cap)
            {
                tooLong.Add(number);
            }
            else if (content.IndexOfAnyExcept(" \t\r"u8) < 0)
            {
                blank++;
            }
            else
            {
                lines.Add((number, Encoding.UTF8.GetString(content), endOffset));
            }
            start = endOffset;
        }
        return (lines, tooLong, blank, read);
    }
}
