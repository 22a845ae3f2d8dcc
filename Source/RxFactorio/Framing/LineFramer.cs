using System.Buffers;
using RxFactorio.Diagnostics;

namespace RxFactorio.Framing;

/// <summary>
/// Splits a stream of borrowed chunks into lines (LF or CRLF), carrying a partial line across
/// chunks in one pooled buffer that never grows past the line cap. Not thread-safe: one framer
/// per source, fed serially, as Rx guarantees.
/// </summary>
internal sealed class LineFramer : IDisposable
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    private readonly string _source;
    private readonly int _maxLineBytes;
    private readonly long _maxRawBytes;
    private readonly IObserver<IngestDiagnostic>? _diagnostics;
    private byte[] _carry = [];
    private int _carryLength;
    private bool _skippingLongLine;
    private long _lineNumber;
    private long _offset;

    public LineFramer(string source, FramingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineBytes, 1);
        _source = source;
        _maxLineBytes = Math.Min(options.MaxLineBytes, FramingOptions.MaxSupportedLineBytes);
        // NOTE: the cap counts the line without its terminator, so one more raw byte (a CR) may be held;
        // long, so that a cap of int.MaxValue does not wrap to a negative room.
        _maxRawBytes = _maxLineBytes + 1L;
        _diagnostics = options.Diagnostics;
        _lineNumber = options.StartLineNumber;
        _offset = options.StartOffset;
    }

    /// <summary>Frames one chunk, delivering every complete line in it to <paramref name="lines"/>.</summary>
    public void Push(ReadOnlySequence<byte> chunk, IObserver<Line> lines)
    {
        if (chunk.IsEmpty)
        {
            StartOver(lines);
            return;
        }
        var reader = new SequenceReader<byte>(chunk);
        if (_skippingLongLine && !SkipRestOfLongLine(ref reader))
        {
            return;
        }
        if (_carryLength > 0 && !CompleteCarriedLine(ref reader, lines))
        {
            return;
        }
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, Lf))
        {
            _lineNumber++;
            _offset += line.Length + 1;
            Emit(line, lines);
        }
        KeepRemainder(reader.UnreadSequence);
    }

    /// <summary>Ends the source: a last line without a newline is still delivered.</summary>
    public void Complete(IObserver<Line> lines)
    {
        if (_carryLength == 0 || _skippingLongLine)
        {
            return;
        }
        _lineNumber++;
        _offset += _carryLength;
        var line = new ReadOnlySequence<byte>(_carry, 0, _carryLength);
        _carryLength = 0;
        Emit(line, lines);
    }

    /// <summary>How many bytes of a partial line are held now (never more than the cap plus one).</summary>
    public int BufferedBytes => _carryLength;

    /// <summary>
    /// The source starts over with new content (a tailed file truncated, rewritten or replaced): a last
    /// line without a newline is delivered as at the end, then line numbers restart at 1 and offsets at 0.
    /// </summary>
    public void StartOver(IObserver<Line> lines)
    {
        Complete(lines);
        _carryLength = 0;
        _skippingLongLine = false;
        _lineNumber = 0;
        _offset = 0;
    }

    public void Dispose()
    {
        if (_carry.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = [];
        }
        _carryLength = 0;
    }

    private bool SkipRestOfLongLine(ref SequenceReader<byte> reader)
    {
        var before = reader.Consumed;
        if (!reader.TryAdvanceTo(Lf))
        {
            _offset += reader.Remaining;
            reader.AdvanceToEnd();
            return false;
        }
        _offset += reader.Consumed - before;
        _skippingLongLine = false;
        return true;
    }

    private bool CompleteCarriedLine(ref SequenceReader<byte> reader, IObserver<Line> lines)
    {
        var room = _maxRawBytes - _carryLength;
        var window = reader.UnreadSequence;
        var searchable = window.Length > room + 1L ? window.Slice(0, room + 1L) : window;
        var newline = searchable.PositionOf(Lf);
        if (newline is null)
        {
            if (window.Length > room)
            {
                _lineNumber++;
                ReportTooLong(_carry.AsSpan(0, _carryLength));
                _offset += _carryLength;
                _carryLength = 0;
                _skippingLongLine = true;
                return SkipRestOfLongLine(ref reader);
            }
            Append(window);
            reader.AdvanceToEnd();
            return false;
        }
        var tail = window.Slice(0, newline.Value);
        Append(tail);
        reader.Advance(tail.Length + 1);
        _lineNumber++;
        _offset += _carryLength + 1;
        var line = new ReadOnlySequence<byte>(_carry, 0, _carryLength);
        _carryLength = 0;
        Emit(line, lines);
        return true;
    }

    private void KeepRemainder(ReadOnlySequence<byte> remainder)
    {
        if (remainder.IsEmpty)
        {
            return;
        }
        if (remainder.Length > _maxRawBytes)
        {
            _lineNumber++;
            ReportTooLong(remainder);
            _offset += remainder.Length;
            _skippingLongLine = true;
            return;
        }
        Append(remainder);
    }

    private void Append(ReadOnlySequence<byte> bytes)
    {
        var needed = checked(_carryLength + (int)bytes.Length);
        if (needed > _carry.Length)
        {
            var grown = Math.Min(_maxRawBytes, Math.Max(4096L, _carry.Length * 2L));
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Max(needed, grown));
            _carry.AsSpan(0, _carryLength).CopyTo(bigger);
            if (_carry.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_carry);
            }
            _carry = bigger;
        }
        bytes.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength = needed;
    }

    private void Emit(ReadOnlySequence<byte> line, IObserver<Line> lines)
    {
        if (!line.IsEmpty && EndsWithCr(line))
        {
            line = line.Slice(0, line.Length - 1);
        }
        if (line.Length > _maxLineBytes)
        {
            ReportTooLong(line);
            return;
        }
        if (IsBlank(line))
        {
            return;
        }
        RxFactorioMeter.Lines.Add(1, new KeyValuePair<string, object?>(RxFactorioMeter.SourceTag, _source));
        lines.OnNext(new Line(line, _source, _lineNumber, _offset));
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan[^1] == Cr;
        }
        return line.Slice(line.Length - 1).FirstSpan[0] == Cr;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    private void ReportTooLong(ReadOnlySequence<byte> head) =>
        _diagnostics.Report(new IngestDiagnostic(
            DiagnosticReason.LineTooLong, _source, _lineNumber,
            $"line is longer than the {_maxLineBytes}-byte limit and was skipped", Excerpt.Of(head)));

    private void ReportTooLong(ReadOnlySpan<byte> head) =>
        _diagnostics.Report(new IngestDiagnostic(
            DiagnosticReason.LineTooLong, _source, _lineNumber,
            $"line is longer than the {_maxLineBytes}-byte limit and was skipped", Excerpt.Of(head)));
}
