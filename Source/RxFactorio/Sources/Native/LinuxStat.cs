using System.Runtime.InteropServices;

namespace RxFactorio.Sources.Native;

/// <summary>
/// stat on Linux through statx(2), whose buffer has the same layout on every architecture
/// (struct stat does not: x86-64 and arm64 differ).
/// </summary>
internal static partial class LinuxStat
{
    private const int AT_FDCWD = -100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_BASIC_STATS = 0x07FF;

    internal static FileStatus? OfPath(string path)
    {
        if (StatX(AT_FDCWD, path, 0, STATX_BASIC_STATS, out StatXBuffer buffer) == 0)
        {
            return buffer.ToStatus();
        }

        return Marshal.GetLastPInvokeError() == Libc.ENOENT ? null : throw Libc.LastError("stat", path);
    }

    internal static FileStatus OfFd(int fd) =>
        StatX(fd, string.Empty, AT_EMPTY_PATH, STATX_BASIC_STATS, out StatXBuffer buffer) == 0
            ? buffer.ToStatus()
            : throw Libc.LastError("fstat", $"fd {fd}");

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int dirFd, string path, int flags, uint mask, out StatXBuffer buffer);

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatXBuffer
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;

        public readonly FileStatus ToStatus() =>
            new(((ulong)DevMajor << 32) | DevMinor, Inode, Mode, (long)Size);
    }
}
