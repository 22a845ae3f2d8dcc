namespace RxFactorio.Sources;

/// <summary>
/// Which file a path referred to, so that a tail can tell "the same file, grown" from "a new
/// file under the same name".
/// </summary>
/// <remarks>
/// On Linux and macOS this is the device and inode number from <c>stat(2)</c>. On Windows it
/// is a heuristic: <see cref="Device"/> is 0 and <see cref="Inode"/> holds the file's creation
/// time in UTC ticks.
/// </remarks>
/// <param name="Device">The device the file lives on (0 on Windows).</param>
/// <param name="Inode">The inode number (creation time ticks on Windows).</param>
public readonly record struct FileIdentity(ulong Device, ulong Inode);
