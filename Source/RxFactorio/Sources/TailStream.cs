using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace RxFactorio.Sources;

/// <summary>
/// A never-ending stream over a growing file, like <c>tail -F</c>: when it reaches the end it
/// polls for appends, truncation, a rewrite in place and replacement instead of returning 0.
/// </summary>
/// <remarks>
/// A rewrite in place (same inode, truncated and written again, perhaps past the old offset before
/// the next poll) is told from an append by a <see cref="TailFingerprint"/> of the bytes before the
/// offset, checked when a resumed file is opened and at every poll after a wait. When the stream
/// starts over (truncation, rewrite, replacement), <see cref="TakeStartOver"/> says so once, before
/// the first bytes of the new content are returned.
/// </remarks>
/// <remarks>Not thread-safe: one reader (the pipe) at a time.</remarks>
internal sealed class TailStream : Stream
{
    private readonly string _path;
    private readonly TailOptions _options;
    private readonly ILogger _logger;
    private readonly SourceStateReporter _state;
    private SafeFileHandle? _handle;
    private FileIdentity _identity;
    private long _offset;
    private bool _opened;
    private bool _waitLogged;
    private bool _replaced;
    private int _quietPolls;
    private bool _checkBeforeRead;
    private bool _startsOver;
    private TailFingerprint _seen = new();

    public TailStream(string path, TailOptions options, ILogger logger, SourceStateReporter state)
    {
        _path = path;
        _options = options;
        _logger = logger;
        _state = state;
    }

    /// <summary>The file being read and the offset just past the last byte returned.</summary>
    public TailPosition CurrentPosition => new(_identity, _offset);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_handle is null && !TryOpen())
            {
                await WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (_checkBeforeRead && !_replaced)
            {
                _checkBeforeRead = false;
                if (_offset > 0 && !_seen.Matches(_handle!))
                {
                    // NOTE: a shorter file is a truncation (below); only a rewrite that is at least as long lands here.
                    if (RandomAccess.GetLength(_handle!) >= _offset)
                    {
                        SourceLog.Rewritten(_logger, _path, _offset);
                        StartOver();
                        continue;
                    }
                }
            }

            // NOTE: a synchronous pread: this loop already runs on a pool thread, and ReadAsync on a
            // handle opened without async I/O would hop to another pool thread for every poll.
            int read = RandomAccess.Read(_handle!, buffer.Span, _offset);
            if (read > 0)
            {
                _seen.Append(buffer.Span[..read]);
                _offset += read;
                _quietPolls = 0;
                return read;
            }

            if (_replaced)
            {
                // The old file is drained to its end: move on to the new one.
                SourceLog.Replaced(_logger, _path, _offset);
                CloseHandle();
                continue;
            }

            long length = RandomAccess.GetLength(_handle!);
            if (length < _offset)
            {
                SourceLog.Truncated(_logger, _path, length, _offset);
                StartOver();
                continue;
            }

            if (IsReplaced())
            {
                // NOTE: read the old handle once more before switching: the writer may have
                // appended to it between our last read and the check.
                _replaced = true;
                continue;
            }

            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True once after the stream started over at the beginning of new content (the file was truncated,
    /// rewritten in place or replaced): the bytes of the read that follows begin the new content.
    /// </summary>
    public bool TakeStartOver()
    {
        var startsOver = _startsOver;
        _startsOver = false;
        return startsOver;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseHandle();
        }

        base.Dispose(disposing);
    }

    private Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = NextWait(_options.PollInterval, _options.MaxPollInterval, _quietPolls);
        _quietPolls = Math.Min(_quietPolls + 1, 30);
        _checkBeforeRead = true;
        return Task.Delay(wait, _options.TimeProvider, cancellationToken);
    }

    /// <summary><paramref name="first"/> doubled once per quiet poll, capped at <paramref name="max"/> (never below <paramref name="first"/>).</summary>
    internal static TimeSpan NextWait(TimeSpan first, TimeSpan max, int quietPolls)
    {
        if (max <= first)
        {
            return first;
        }
        var wait = first;
        for (var i = 0; i < quietPolls && wait < max; i++)
        {
            wait += wait;
        }
        return wait < max ? wait : max;
    }

    private bool TryOpen()
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (!_waitLogged)
            {
                SourceLog.WaitingForFile(_logger, _path);
                _waitLogged = true;
            }

            _state.Report(SourceState.Waiting);
            return false;
        }

        bool existedAtStart = !_opened && !_waitLogged;
        if (_opened)
        {
            // A replacement: new content, read from its start.
            _startsOver = true;
        }
        _handle = handle;
        _identity = FileIdentities.Of(handle);
        _offset = existedAtStart ? StartOffset(RandomAccess.GetLength(handle)) : 0;
        _seen = (_offset > 0 ? TailFingerprint.Read(handle, _offset) : null) ?? new TailFingerprint();
        _opened = true;
        _replaced = false;
        SourceLog.Following(_logger, _path, _offset);
        _state.Report(SourceState.Open);
        return true;
    }

    private long StartOffset(long length)
    {
        if (_options.StartAt is not { } start)
        {
            return _options.FromEnd ? length : 0;
        }
        if (start.Identity == _identity && start.Offset <= length)
        {
            if (_options.StartFingerprint is not { } expected || TailFingerprint.Read(_handle!, start.Offset)?.MatchesStored(expected) == true)
            {
                SourceLog.Resumed(_logger, _path, start.Offset);
                return start.Offset;
            }
            SourceLog.Rewritten(_logger, _path, start.Offset);
        }

        // NOTE: the reader was told to expect the checkpoint's offset and line: it must start over with the stream.
        _startsOver = true;
        return _options.FromEnd ? length : 0;
    }

    private void StartOver()
    {
        _offset = 0;
        _seen.Reset();
        _startsOver = true;
    }

    private bool IsReplaced()
    {
        FileIdentity? current = FileIdentities.OfPath(_path);

        // A missing path (deleted or between rename steps) is not yet a replacement: keep the
        // old file until a new one appears, as tail -F does.
        return current is { } identity && identity != _identity;
    }

    private void CloseHandle()
    {
        _handle?.Dispose();
        _handle = null;
    }
}
