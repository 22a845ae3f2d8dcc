using static RxFactorio.RunLog.LevelDbLogFormat;

namespace RxFactorio.RunLog;

/// <summary>
/// Appends records to a W&amp;B <c>.wandb</c> log: splits each record into chunks that never
/// cross a 32 KiB block, pads a block's last 1–6 bytes with zeros, and starts a record that
/// meets exactly 7 free bytes with a zero-length FIRST chunk there, as W&amp;B's Go and Python
/// writers do. Not thread-safe.
/// </summary>
internal sealed class LevelDbLogWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _chunkHeader = new byte[ChunkHeaderSize];
    private int _blockOffset;
    private bool _disposed;
    private bool _faulted;

    /// <summary>
    /// Writes to <paramref name="stream"/> from its current position, which must be the end of
    /// what is already there. At position 0 the W&amp;B file header is written first.
    /// </summary>
    /// <param name="stream">A writable stream; for an existing log, positioned at the end of its last intact record.</param>
    /// <param name="durable">Whether <see cref="Flush"/> also forces the data to disk (<c>fsync</c>); only for <see cref="FileStream"/>s.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when this writer is disposed.</param>
    /// <param name="path">The file's path, for error messages; <c>null</c> when not a file.</param>
    public LevelDbLogWriter(Stream stream, bool durable = false, bool leaveOpen = false, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Durable = durable;
        Path = path;
        Position = stream.Position;
        if (Position == 0)
        {
            Guard(() => _stream.Write(FileHeader));
            Position = FileHeaderSize;
        }
        else if (Position < FileHeaderSize)
        {
            throw new ArgumentException($"The stream's position ({Position}) is inside the file header.", nameof(stream));
        }
        _blockOffset = (int)(Position % BlockSize);
    }

    /// <summary>The file's path, or <c>null</c> when writing to a stream that is not a file.</summary>
    public string? Path { get; }

    /// <summary>Whether <see cref="Flush"/> forces the data to disk.</summary>
    public bool Durable { get; }

    /// <summary>The byte offset the next chunk (or padding) goes to: the log's length so far.</summary>
    public long Position { get; private set; }

    /// <summary>How many records this writer has appended.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Creates a new log file (it must not exist) and writes the file header.</summary>
    /// <param name="path">The file to create.</param>
    /// <param name="durable">Whether <see cref="Flush"/> forces the data to disk.</param>
    /// <exception cref="IOException">The file exists or cannot be created; the message names the path.</exception>
    public static LevelDbLogWriter Create(string path, bool durable = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = PathErrors.Wrap(path, "create the run log", () =>
            new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024));
        try
        {
            return new LevelDbLogWriter(stream, durable, leaveOpen: false, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing log to append to it after its first <paramref name="length"/> bytes;
    /// anything after them (a torn tail) is cut off. Use <see cref="LogReadReport.AppendOffset"/>
    /// of a <see cref="LevelDbLogReader"/> pass for the length.
    /// </summary>
    /// <param name="path">The log file.</param>
    /// <param name="length">How many bytes to keep: at least the file header.</param>
    /// <param name="durable">Whether <see cref="Flush"/> forces the data to disk.</param>
    /// <exception cref="IOException">The file cannot be opened or cut; the message names the path.</exception>
    public static LevelDbLogWriter OpenAppend(string path, long length, bool durable = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, FileHeaderSize);
        var stream = PathErrors.Wrap(path, "open the run log", () =>
        {
            var s = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 64 * 1024);
            try
            {
                if (s.Length < length)
                {
                    throw new IOException($"the file is {s.Length} bytes, shorter than the {length} to keep");
                }
                if (s.Length > length)
                {
                    s.SetLength(length);
                }
                s.Position = length;
                return s;
            }
            catch
            {
                s.Dispose();
                throw;
            }
        });
        return new LevelDbLogWriter(stream, durable, leaveOpen: false, path);
    }

    /// <summary>Appends one record (any length, including 0).</summary>
    /// <param name="record">The record's bytes.</param>
    /// <exception cref="IOException">The write failed (e.g. the disk is full); the message names the path.</exception>
    public void Append(ReadOnlySpan<byte> record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFaulted();
        var begin = true;
        do
        {
            var leftover = BlockSize - _blockOffset;
            if (leftover < ChunkHeaderSize)
            {
                if (leftover > 0)
                {
                    WriteBytes(Padding[..leftover]);
                }
                _blockOffset = 0;
            }
            var available = BlockSize - _blockOffset - ChunkHeaderSize;
            var fragmentLength = Math.Min(record.Length, available);
            var end = fragmentLength == record.Length;
            var type = (begin, end) switch
            {
                (true, true) => ChunkType.Full,
                (true, false) => ChunkType.First,
                (false, true) => ChunkType.Last,
                _ => ChunkType.Middle,
            };
            var fragment = record[..fragmentLength];
            WriteChunkHeader(_chunkHeader, type, fragment);
            WriteBytes(_chunkHeader);
            WriteBytes(fragment);
            _blockOffset += ChunkHeaderSize + fragmentLength;
            record = record[fragmentLength..];
            begin = false;
            if (end)
            {
                break;
            }
        }
        while (true);
        RecordsWritten++;
    }

    /// <summary>Hands buffered bytes to the operating system, and to the disk when <see cref="Durable"/>.</summary>
    /// <exception cref="IOException">The write failed; the message names the path.</exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Guard(() =>
        {
            if (Durable && _stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                _stream.Flush();
            }
        });
    }

    /// <summary>Flushes and closes the log.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            Guard(_stream.Flush);
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _stream.Write(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // NOTE: a chunk may now be half written; appending more would hide it in the middle of the log.
            _faulted = true;
            throw PathErrors.Named(Path ?? "(stream)", "write the run log", ex);
        }
        Position += bytes.Length;
    }

    private static ReadOnlySpan<byte> Padding => [0, 0, 0, 0, 0, 0];

    private void ThrowIfFaulted()
    {
        if (_faulted)
        {
            throw new IOException($"Cannot write the run log '{Path ?? "(stream)"}': an earlier write failed; reopen it to append.");
        }
    }

    private void Guard(Action action) => PathErrors.Wrap(Path ?? "(stream)", "write the run log", action);
}
