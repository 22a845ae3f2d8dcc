using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using RxFactorio.Sources.Native;

namespace RxFactorio.Sources;

/// <summary>Opens standard input so that a pending read can be cancelled where possible.</summary>
internal static class StdinStream
{
    private const int StdinFd = 0;

    public static Stream Open() => Open(StdinFd);

    /// <summary>
    /// On Linux, when <paramref name="fd"/> is a pipe or FIFO (<c>producer | rxfactorio -</c>),
    /// makes it non-blocking and wraps it in a <see cref="PipeStream"/>, whose reads are then
    /// cancellable, exactly like the FIFO source; otherwise (a file, a terminal, macOS, Windows)
    /// falls back to the console stream, whose pending read ends only at the next input.
    /// </summary>
    internal static Stream Open(int fd)
    {
        // NOTE: PipeStream's reads are cancellable only on a non-blocking descriptor; on a
        // blocking one the runtime performs a plain read() that holds a thread until input comes.
        // A PipeStream over a handle it does not own hangs in Dispose (its socket wrapper cannot
        // close it), so it gets a duplicate descriptor of its own.
        if (OperatingSystem.IsLinux() && IsFifo(fd) && TrySetNonBlocking(fd) && Libc.Fcntl(fd, Libc.F_DUPFD_CLOEXEC, 0) is var own and >= 0)
        {
            return new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(own, ownsHandle: true));
        }

        return Console.OpenStandardInput();
    }

    private static bool TrySetNonBlocking(int fd)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        return flags >= 0 && Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) == 0;
    }

    private static bool IsFifo(int fd)
    {
        using var handle = new SafeFileHandle(fd, ownsHandle: false);
        try
        {
            return Libc.StatHandle(handle).IsFifo;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
