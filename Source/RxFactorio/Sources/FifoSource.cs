using System.Buffers;
using System.IO.Pipes;
using System.Reactive.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using RxFactorio.Sources.Native;

namespace RxFactorio.Sources;

/// <summary>
/// Reads a named pipe (FIFO) that a writer opens, appends to and closes on every write.
/// </summary>
/// <remarks>
/// The FIFO is opened <c>O_RDWR</c>: holding a write end ourselves means the writer's
/// <c>open()</c> never blocks while we run, and the reader never sees EOF when the writer
/// closes between writes. The descriptor is wrapped in a <see cref="PipeStream"/>, whose
/// asynchronous reads on Unix go through the runtime's epoll engine: cancelling the token
/// ends a pending read at once, so no thread is left blocked in <c>read()</c> on dispose.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class FifoSource
{
    public static IObservable<ReadOnlySequence<byte>> Create(string path, FifoSourceOptions options, ILogger logger) =>
        Observable.Create<ReadOnlySequence<byte>>((observer, cancellationToken) =>
            Task.Run(() => RunAsync(path, options, logger, observer, cancellationToken), CancellationToken.None));

    private static async Task RunAsync(
        string path,
        FifoSourceOptions options,
        ILogger logger,
        IObserver<ReadOnlySequence<byte>> observer,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = new SourceStateReporter(path, options.StateChanged);
        await state.RunAsync(
            () =>
            {
                PipeStream stream = Open(path, options, logger);
                SourceLog.FifoOpened(logger, path);
                state.Report(SourceState.Open);
                return ChunkPump.RunAsync(stream, path, logger, observer, afterChunk: null, cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    internal static PipeStream Open(string path, FifoSourceOptions options, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException(
                $"Cannot read named pipe '{path}': FIFOs need Linux or macOS; tail a regular file instead.");
        }

        EnsureFifo(path, options, logger);
        int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw Libc.LastError("Opening named pipe", path);
        }

        var handle = new SafePipeHandle(fd, ownsHandle: true);
        try
        {
            return new AnonymousPipeClientStream(PipeDirection.In, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void EnsureFifo(string path, FifoSourceOptions options, ILogger logger)
    {
        FileStatus? status = Libc.StatPath(path);
        if (status is null && options.CreateIfMissing)
        {
            if (Libc.MkFifo(path, (uint)options.CreateMode) == 0)
            {
                // mkfifo applies the umask; set the requested mode exactly.
                File.SetUnixFileMode(path, options.CreateMode);
                SourceLog.FifoCreated(logger, path);
            }
            else if (Marshal.GetLastPInvokeError() != Libc.EEXIST)
            {
                throw Libc.LastError("Creating named pipe", path);
            }

            status = Libc.StatPath(path);
        }

        if (status is null)
        {
            throw new FileNotFoundException($"Named pipe '{path}' does not exist.", path);
        }

        if (!status.Value.IsFifo)
        {
            throw new IOException(
                $"'{path}' exists but is not a named pipe (FIFO). Remove it, or use 'tail' to follow a regular file.");
        }
    }
}
