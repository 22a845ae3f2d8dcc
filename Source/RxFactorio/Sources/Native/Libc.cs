using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RxFactorio.Sources.Native;

/// <summary>The few libc calls the Unix sources need: mkfifo, open and stat.</summary>
internal static partial class Libc
{
    internal const int ENOENT = 2;
    internal const int ENXIO = 6;
    internal const int EEXIST = 17;

    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_RDWR = 2;

    private const string LibraryName = "libc";

    /// <summary>O_NONBLOCK differs between Linux and the BSDs (macOS).</summary>
    internal static int O_NONBLOCK => OperatingSystem.IsMacOS() ? 0x0004 : 0x0800;

    /// <summary>O_CLOEXEC differs between Linux and the BSDs (macOS).</summary>
    internal static int O_CLOEXEC => OperatingSystem.IsMacOS() ? 0x0100_0000 : 0x0008_0000;

    [LibraryImport(LibraryName, EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int MkFifo(string path, uint mode);

    // open(2) is variadic; without O_CREAT the mode argument is never read, so two fixed
    // arguments are a valid call on every ABI.
    [LibraryImport(LibraryName, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int F_DUPFD_CLOEXEC = 1030;

    // fcntl(2) is variadic too; an int third argument is passed like a fixed one on Linux
    // (x86-64 and arm64), but not on macOS arm64, so only call it on Linux.
    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>stat(2) of a path (following symlinks); null when it does not exist.</summary>
    internal static FileStatus? StatPath(string path) =>
        OperatingSystem.IsLinux() ? LinuxStat.OfPath(path)
        : OperatingSystem.IsMacOS() ? MacStat.OfPath(path)
        : throw new PlatformNotSupportedException($"stat('{path}') is implemented for Linux and macOS only.");

    /// <summary>fstat(2) of an open file.</summary>
    internal static FileStatus StatHandle(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            return OperatingSystem.IsLinux() ? LinuxStat.OfFd(fd)
                : OperatingSystem.IsMacOS() ? MacStat.OfFd(fd)
                : throw new PlatformNotSupportedException("fstat is implemented for Linux and macOS only.");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    internal static IOException LastError(string what, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }
}

/// <summary>The parts of <c>struct stat</c> the sources use.</summary>
internal readonly record struct FileStatus(ulong Device, ulong Inode, uint Mode, long Size)
{
    private const uint S_IFMT = 0xF000;
    private const uint S_IFIFO = 0x1000;
    private const uint S_IFREG = 0x8000;

    public bool IsFifo => (Mode & S_IFMT) == S_IFIFO;

    public bool IsRegularFile => (Mode & S_IFMT) == S_IFREG;

    public FileIdentity Identity => new(Device, Inode);
}
