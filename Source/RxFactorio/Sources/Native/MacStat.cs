using System.Runtime.InteropServices;

namespace RxFactorio.Sources.Native;

/// <summary>
/// stat on macOS (64-bit inode layout: the default on arm64, the <c>$INODE64</c> symbols on x64).
/// </summary>
internal static partial class MacStat
{
    internal static FileStatus? OfPath(string path)
    {
        int rc = RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? StatX64(path, out StatBuffer buffer)
            : StatArm64(path, out buffer);
        if (rc == 0)
        {
            return buffer.ToStatus();
        }

        return Marshal.GetLastPInvokeError() == Libc.ENOENT ? null : throw Libc.LastError("stat", path);
    }

    internal static FileStatus OfFd(int fd)
    {
        int rc = RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? FStatX64(fd, out StatBuffer buffer)
            : FStatArm64(fd, out buffer);
        return rc == 0 ? buffer.ToStatus() : throw Libc.LastError("fstat", $"fd {fd}");
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatArm64(string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "stat$INODE64", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX64(string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStatArm64(int fd, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "fstat$INODE64", SetLastError = true)]
    private static partial int FStatX64(int fd, out StatBuffer buffer);

    [StructLayout(LayoutKind.Explicit, Size = 144)]
    private struct StatBuffer
    {
        [FieldOffset(0)] public int Device;
        [FieldOffset(4)] public ushort Mode;
        [FieldOffset(8)] public ulong Inode;
        [FieldOffset(96)] public long Size;

        public readonly FileStatus ToStatus() => new((uint)Device, Inode, Mode, Size);
    }
}
