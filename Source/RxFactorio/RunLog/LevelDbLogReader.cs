using System.Buffers.Binary;
using static RxFactorio.RunLog.LevelDbLogFormat;

namespace RxFactorio.RunLog;

/// <summary>
/// Reads the records of a W&amp;B <c>.wandb</c> log, checking every chunk's CRC. Damage does not
/// stop it: like LevelDB's reader it skips the rest of a block whose chunk is bad, resumes at
/// the next block, drops records that lost a piece, and says in <see cref="Report"/> what it
/// skipped, where and why. Only a bad file header is an error (nothing in the file can be trusted).
/// </summary>
internal sealed class LevelDbLogReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _startOffset;
    private bool _started;

    /// <summary>Reads from <paramref name="stream"/>, which must be at the start of the log.</summary>
    /// <param name="stream">A readable stream positioned at the file header.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when this reader is disposed.</param>
    /// <param name="path">The file's path, for error messages.</param>
    public LevelDbLogReader(Stream stream, bool leaveOpen = false, string? path = null)
        : this(stream, leaveOpen, path, 0)
    {
    }

    private LevelDbLogReader(Stream stream, bool leaveOpen, string? path, long startOffset)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Path = path;
        _startOffset = startOffset;
        if (startOffset > FileHeaderSize)
        {
            Report.AppendOffset = startOffset;
        }
    }

    /// <summary>The file's path, or <c>null</c>.</summary>
    public string? Path { get; }

    /// <summary>What was read and skipped so far; complete once <see cref="ReadRecords"/> has been enumerated to the end.</summary>
    public LogReadReport Report { get; } = new();

    /// <summary>Opens a log file for reading (other writers may keep appending to it).</summary>
    /// <param name="path">The <c>.wandb</c> file.</param>
    /// <exception cref="IOException">The file cannot be opened; the message names the path.</exception>
    public static LevelDbLogReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = PathErrors.Wrap(path, "open the run log", () =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1));
        return new LevelDbLogReader(stream, leaveOpen: false, path);
    }

    /// <summary>
    /// Opens a log file to read on from <paramref name="offset"/>, the end of a record read
    /// earlier (<see cref="LogRecord.End"/>), without reading what lies before it. A sender that
    /// follows a growing log uses it to read only what was appended since its last pass.
    /// </summary>
    /// <param name="path">The <c>.wandb</c> file.</param>
    /// <param name="offset">Where a record ends (or 0, or the file header's size: the start).</param>
    /// <exception cref="IOException">The file cannot be opened; the message names the path.</exception>
    public static LevelDbLogReader OpenAt(string path, long offset)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var stream = PathErrors.Wrap(path, "open the run log", () =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1));
        return new LevelDbLogReader(stream, leaveOpen: false, path, offset);
    }

    /// <summary>Reads a whole log file: its intact records and the report of what was skipped.</summary>
    /// <param name="path">The <c>.wandb</c> file.</param>
    /// <exception cref="InvalidDataException">The file does not start with the W&amp;B header.</exception>
    /// <exception cref="IOException">The file cannot be read; the message names the path.</exception>
    public static (IReadOnlyList<LogRecord> Records, LogReadReport Report) ReadAll(string path)
    {
        using var reader = Open(path);
        var records = reader.ReadRecords().ToList();
        return (records, reader.Report);
    }

    /// <summary>
    /// The intact records, in file order, read lazily block by block. Can be enumerated once.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not start with the W&amp;B header (thrown when enumeration starts).</exception>
    public IEnumerable<LogRecord> ReadRecords()
    {
        if (_started)
        {
            throw new InvalidOperationException("The records of a LevelDbLogReader can be enumerated only once.");
        }
        _started = true;
        return ReadCore();
    }

    /// <summary>Closes the stream unless it was left open.</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private IEnumerable<LogRecord> ReadCore()
    {
        var block = new byte[BlockSize];
        long blockStart = 0;
        var pos = FileHeaderSize;
        if (_startOffset > FileHeaderSize)
        {
            // NOTE: a record ends where the next chunk (or a block's padding) starts, so reading
            // can pick up there: at the same place in the same block.
            blockStart = _startOffset - (_startOffset % BlockSize);
            pos = (int)(_startOffset - blockStart);
            Seek(blockStart);
        }
        var length = Fill(block);
        if (blockStart == 0)
        {
            CheckFileHeader(block.AsSpan(0, length));
        }
        if (pos > length)
        {
            // The file is shorter than where reading should go on (it was cut): nothing to read.
            Report.BytesRead = blockStart + length;
            yield break;
        }

        // The record being assembled from FIRST/MIDDLE chunks.
        var fragments = new MemoryStream();
        long fragmentStart = -1;
        long fragmentEnd = -1;

        while (true)
        {
            if (length - pos < ChunkHeaderSize)
            {
                if (length < BlockSize)
                {
                    // The last (partial) block: a torn chunk header, or nothing.
                    var tail = block.AsSpan(pos, length - pos);
                    if (tail.ContainsAnyExcept((byte)0))
                    {
                        Report.Add(new LogDamage(blockStart + pos, tail.Length, LogDamageKind.TruncatedTail));
                    }
                    break;
                }
                // 0–6 bytes of padding at the end of a full block.
                if (!NextBlock(block, ref blockStart, ref length, ref pos))
                {
                    break;
                }
                continue;
            }

            var offset = blockStart + pos;
            var header = block.AsSpan(pos, ChunkHeaderSize);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var chunkLength = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            var type = (ChunkType)header[6];

            if (crc == 0 && chunkLength == 0 && type == ChunkType.Zero)
            {
                // Zero-filled space (e.g. preallocated); LevelDB skips it silently.
                pos = length;
                continue;
            }
            if (pos + ChunkHeaderSize + chunkLength > length)
            {
                DropFragments(length < BlockSize ? LogDamageKind.TruncatedTail : LogDamageKind.IncompleteRecord);
                if (length < BlockSize)
                {
                    Report.Add(new LogDamage(offset, length - pos, LogDamageKind.TruncatedTail));
                    break;
                }
                Report.Add(new LogDamage(offset, length - pos, LogDamageKind.BadLength));
                pos = length;
                continue;
            }
            var payload = block.AsSpan(pos + ChunkHeaderSize, chunkLength);
            if (ChunkChecksum(type, payload) != crc)
            {
                DropFragments(LogDamageKind.IncompleteRecord);
                Report.Add(new LogDamage(offset, length - pos, LogDamageKind.BadChecksum));
                pos = length;
                continue;
            }

            pos += ChunkHeaderSize + chunkLength;
            var end = blockStart + pos;
            switch (type)
            {
                case ChunkType.Full:
                    DropFragments(LogDamageKind.IncompleteRecord);
                    yield return Complete(offset, end, payload.ToArray());
                    break;
                case ChunkType.First:
                    DropFragments(LogDamageKind.IncompleteRecord);
                    fragmentStart = offset;
                    fragmentEnd = end;
                    fragments.Write(payload);
                    break;
                case ChunkType.Middle when fragmentStart >= 0:
                    fragmentEnd = end;
                    fragments.Write(payload);
                    break;
                case ChunkType.Last when fragmentStart >= 0:
                    fragments.Write(payload);
                    var record = Complete(fragmentStart, end, fragments.ToArray());
                    ResetFragments();
                    yield return record;
                    break;
                case ChunkType.Middle or ChunkType.Last:
                    Report.Add(new LogDamage(offset, end - offset, LogDamageKind.MissingStart));
                    break;
                default:
                    DropFragments(LogDamageKind.IncompleteRecord);
                    Report.Add(new LogDamage(offset, end - offset, LogDamageKind.UnknownChunkType));
                    break;
            }
        }

        // The file ended inside a record split over chunks.
        DropFragments(LogDamageKind.TruncatedTail);
        Report.BytesRead = blockStart + length;

        void DropFragments(LogDamageKind kind)
        {
            if (fragmentStart >= 0)
            {
                Report.Add(new LogDamage(fragmentStart, fragmentEnd - fragmentStart, kind));
                ResetFragments();
            }
        }

        void ResetFragments()
        {
            fragments.SetLength(0);
            fragmentStart = -1;
            fragmentEnd = -1;
        }
    }

    private LogRecord Complete(long offset, long end, byte[] payload)
    {
        Report.RecordsRead++;
        Report.AppendOffset = end;
        return new LogRecord(offset, end, payload);
    }

    private bool NextBlock(byte[] block, ref long blockStart, ref int length, ref int pos)
    {
        blockStart += length;
        length = Fill(block);
        pos = 0;
        return length > 0;
    }

    private void CheckFileHeader(ReadOnlySpan<byte> start)
    {
        if (start.Length < FileHeaderSize || !start[..FileHeaderSize].SequenceEqual(FileHeader))
        {
            var found = Convert.ToHexString(start[..Math.Min(start.Length, FileHeaderSize)]);
            throw new InvalidDataException(
                $"'{Path ?? "(stream)"}' is not a W&B transaction log: it should start with the 7 bytes 3A 57 26 42 E1 BE 00 " +
                $"(\":W&B\", magic 0xBEE1, version 0) but starts with '{found}'{(start.Length < FileHeaderSize ? $" and is only {start.Length} bytes long" : "")}.");
        }
    }

    private void Seek(long offset)
    {
        try
        {
            _stream.Position = offset;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            throw PathErrors.Named(Path ?? "(stream)", "read the run log", ex);
        }
    }

    private int Fill(byte[] block)
    {
        var total = 0;
        try
        {
            while (total < block.Length)
            {
                var n = _stream.Read(block, total, block.Length - total);
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw PathErrors.Named(Path ?? "(stream)", "read the run log", ex);
        }
        return total;
    }
}
