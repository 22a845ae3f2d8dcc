using Microsoft.Win32.SafeHandles;
using RxFactorio.Sources.Native;

namespace RxFactorio.Sources;

/// <summary>Reads the <see cref="FileIdentity"/> of an open file or of a path.</summary>
internal static class FileIdentities
{
    public static FileIdentity Of(SafeFileHandle handle) =>
        OperatingSystem.IsWindows()
            ? FromCreationTime(File.GetCreationTimeUtc(handle))
            : Libc.StatHandle(handle).Identity;

    /// <summary>The identity of whatever the path refers to now; null if nothing is there.</summary>
    public static FileIdentity? OfPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                return File.Exists(path) ? FromCreationTime(File.GetCreationTimeUtc(path)) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        return Libc.StatPath(path)?.Identity;
    }

    private static FileIdentity FromCreationTime(DateTime utc) => new(0, (ulong)utc.Ticks);
}
