using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace RxFactorio.Sources;

/// <summary>
/// A never-ending stream over a growing file, like <c>tail -F</c>: when it reaches the end it
/// polls for appends, truncation and replacement instead of returning 0.
/// </summary>
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

            // NOTE: a synchronous pread: this loop already runs on a pool thread, and ReadAsync on a
            // handle opened without async I/O would hop to another pool thread for every poll.
            int read = RandomAccess.Read(_handle!, buffer.Span, _offset);
            if (read > 0)
            {
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
                _offset = 0;
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
        _handle = handle;
        _identity = FileIdentities.Of(handle);
        _offset = existedAtStart ? StartOffset(RandomAccess.GetLength(handle)) : 0;
        _opened = true;
        _replaced = false;
        SourceLog.Following(_logger, _path, _offset);
        _state.Report(SourceState.Open);
        return true;
    }

    private long StartOffset(long length)
    {
        if (_options.StartAt is { } start && start.Identity == _identity && start.Offset <= length)
        {
            SourceLog.Resumed(_logger, _path, start.Offset);
            return start.Offset;
        }

        return _options.FromEnd ? length : 0;
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
