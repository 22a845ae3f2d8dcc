namespace RxFactorio.RunLog.Media;

/// <summary>
/// The game's <c>script-output</c> folder, and the one way an untrusted <c>screenshot_path</c> becomes a
/// path: relative, no <c>..</c> segment, and still inside the folder once every symlink on the way is resolved.
/// </summary>
internal sealed class ScriptOutputFolder
{
    private const int MaxLinks = 40;

    /// <summary>Uses <paramref name="path"/> (made absolute) as the folder.</summary>
    public ScriptOutputFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder, absolute.</summary>
    public string Path { get; }

    /// <summary>
    /// The real path of <paramref name="relative"/> inside the folder, or <c>null</c> with why it is refused.
    /// The file need not exist (reading it then fails as a missing file).
    /// </summary>
    public string? Resolve(string relative, out string refusal)
    {
        refusal = "";
        if (relative.Length == 0 || relative.Contains('\0', StringComparison.Ordinal))
        {
            refusal = "is empty or holds a NUL character";
            return null;
        }
        if (System.IO.Path.IsPathRooted(relative) || relative[0] is '/' or '\\' || (relative.Length > 1 && relative[1] == ':'))
        {
            refusal = "is absolute; it must be relative to script-output";
            return null;
        }
        var segments = relative.Split('/', '\\');
        if (segments.Contains(".."))
        {
            refusal = "climbs out of script-output with '..'";
            return null;
        }
        var root = RealPath(Path);
        var file = root is null ? null : RealPath(System.IO.Path.Join(root, string.Join(System.IO.Path.DirectorySeparatorChar, segments)));
        if (root is null || file is null)
        {
            refusal = "goes through a symlink loop";
            return null;
        }
        if (!file.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(root) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            refusal = "resolves (through a symlink) to a file outside script-output";
            return null;
        }
        return file;
    }

    /// <summary>
    /// <paramref name="path"/> (absolute) with every symlink resolved, component by component, as realpath(3)
    /// does: a <c>..</c> after a link climbs from the link's target. Components that do not exist are kept as they are.
    /// </summary>
    private static string? RealPath(string path)
    {
        var root = System.IO.Path.GetPathRoot(path)!;
        var pending = new LinkedList<string>(Segments(path[root.Length..]));
        var current = root;
        var links = 0;
        while (pending.First is { } first)
        {
            var segment = first.Value;
            pending.RemoveFirst();
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == "..")
            {
                current = System.IO.Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = System.IO.Path.Join(current, segment);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                return null;
            }
            if (System.IO.Path.IsPathRooted(target))
            {
                current = System.IO.Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            foreach (var part in Segments(target).Reverse())
            {
                pending.AddFirst(part);
            }
        }
        return current;
    }

    private static string[] Segments(string path) => path.Split(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
}
