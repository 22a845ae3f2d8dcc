using RxFactorio.Sources;

namespace RxFactorio.Cli.Discovery;

/// <summary>
/// A <c>--source</c> that names many files: a glob (<c>script-output/*.jsonl</c>,
/// <c>/srv/*/script-output/events.jsonl</c>, <c>logs/**/*.jsonl</c>) or a folder (<c>script-output/</c>,
/// or any existing folder: its <c>*.jsonl</c> files and its FIFOs, not its subfolders). <c>*</c> and
/// <c>?</c> match within one name (<c>*</c> any characters, <c>?</c> one), <c>**</c> any folders below
/// (none included); names starting with <c>.</c> and symbolic links to folders are not walked into
/// by a wildcard. Each match is a file or FIFO, read exactly as if given with its own <c>--source</c>.
/// </summary>
/// <remarks>
/// Matching is the BCL's own per-name matching (<see cref="MatchType.Simple"/>: <c>*</c> and <c>?</c>),
/// walked folder by folder so that the part of the path each wildcard matched is known: it is the
/// file's label (<see cref="Find"/>).
/// </remarks>
internal sealed class SourcePattern
{
    private const string Recursive = "**";

    private static readonly EnumerationOptions Options = new()
    {
        MatchType = MatchType.Simple,
        MatchCasing = MatchCasing.PlatformDefault,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
    };

    private static readonly EnumerationOptions FolderOptions = new()
    {
        MatchType = MatchType.Simple,
        MatchCasing = MatchCasing.PlatformDefault,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
    };

    private readonly string _root;
    private readonly string[] _segments;
    private readonly bool _folder;
    private readonly string? _label;

    private SourcePattern(string text, string root, string[] segments, bool folder, string? label)
    {
        Text = text;
        _root = root;
        _segments = segments;
        _folder = folder;
        _label = label;
    }

    /// <summary>How often a pattern's folders are looked at again for new files: every second.</summary>
    /// <remarks>Polled, not watched: <see cref="FileSystemWatcher"/> misses changes on network and some container mounts.</remarks>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The pattern as given (without its label).</summary>
    public string Text { get; }

    /// <summary>Whether <paramref name="path"/> names many files: it holds <c>*</c> or <c>?</c>, ends with a folder separator, or is an existing folder.</summary>
    public static bool IsPattern(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path != "-" && !UdpAddress.IsUdp(path) && (path.AsSpan().IndexOfAny('*', '?') >= 0 || EndsWithSeparator(path) || Directory.Exists(path));
    }

    /// <summary>The pattern of <paramref name="path"/> (which <see cref="IsPattern"/> must accept).</summary>
    /// <param name="path">The glob or folder as given.</param>
    /// <param name="label">The label given with it: each file's label is then <c>LABEL-</c> and what the wildcards matched.</param>
    public static SourcePattern Create(string path, string? label = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.AsSpan().IndexOfAny('*', '?') < 0)
        {
            // A folder: its *.jsonl files and FIFOs.
            return new SourcePattern(path, path, ["*"], folder: true, label);
        }
        // The leading names without a wildcard are the root, kept as written (the matches' paths start with it).
        var start = 0;
        var rootEnd = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && !IsSeparator(path[i]))
            {
                continue;
            }
            if (path.AsSpan(start, i - start).IndexOfAny('*', '?') >= 0)
            {
                break;
            }
            rootEnd = i < path.Length ? i + 1 : i;
            start = i + 1;
        }
        var rest = path[rootEnd..].Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        return new SourcePattern(path, path[..rootEnd], rest, folder: false, label);
    }

    /// <summary>
    /// The files that match now, in ordinal order of their paths, each with its label: the given label
    /// and <c>-</c> before what the wildcards matched (the names, <c>-</c> between them; a file's name
    /// without its extension), or without a wildcard match the file's name without its extension; sanitised
    /// (<see cref="SourceLabel.Sanitise"/>). A folder that is missing or cannot be read matches nothing.
    /// </summary>
    public IReadOnlyList<FoundSource> Find()
    {
        var found = new List<FoundSource>();
        Walk(_root, 0, [], found);
        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return found;
    }

    private void Walk(string folder, int index, List<string> matched, List<FoundSource> found)
    {
        var segment = _segments[index];
        var last = index == _segments.Length - 1;
        if (segment == Recursive)
        {
            if (last)
            {
                // A trailing ** names folders only: as a folder source, every *.jsonl file and FIFO below.
                foreach (var (sub, names) in FoldersBelow(folder, []))
                {
                    AddFolderFiles(sub, [.. matched, .. names], found);
                }
                return;
            }
            foreach (var (sub, names) in FoldersBelow(folder, []))
            {
                Walk(sub, index + 1, [.. matched, .. names], found);
            }
            return;
        }
        var wildcard = segment.AsSpan().IndexOfAny('*', '?') >= 0;
        if (last)
        {
            if (_folder)
            {
                AddFolderFiles(folder, matched, found);
            }
            else if (wildcard)
            {
                foreach (var file in Enumerate(() => Directory.EnumerateFiles(Existing(folder), segment, Options)))
                {
                    Add(Combine(folder, Path.GetFileName(file)), [.. matched, Stem(Path.GetFileName(file))], found);
                }
            }
            else if (File.Exists(Combine(folder, segment)))
            {
                Add(Combine(folder, segment), matched, found);
            }
            return;
        }
        if (!wildcard)
        {
            Walk(Combine(folder, segment), index + 1, matched, found);
            return;
        }
        foreach (var sub in Enumerate(() => Directory.EnumerateDirectories(Existing(folder), segment, FolderOptions)))
        {
            var name = Path.GetFileName(sub);
            Walk(Combine(folder, name), index + 1, [.. matched, name], found);
        }
    }

    private void AddFolderFiles(string folder, List<string> matched, List<FoundSource> found)
    {
        foreach (var file in Enumerate(() => Directory.EnumerateFiles(Existing(folder), "*", Options)))
        {
            var name = Path.GetFileName(file);
            var path = Combine(folder, name);
            if (name.EndsWith(".jsonl", StringComparison.Ordinal) || LiveSources.Detect(path) == SourceKind.Fifo)
            {
                Add(path, [.. matched, Stem(name)], found);
            }
        }
    }

    private void Add(string path, List<string> matched, List<FoundSource> found)
    {
        var derived = matched.Count > 0 ? string.Join('-', matched) : Stem(Path.GetFileName(path));
        found.Add(new FoundSource(path, SourceLabel.Sanitise(_label is null ? derived : $"{_label}-{derived}")));
    }

    /// <summary><paramref name="folder"/> and every folder below it, with the names that lead there.</summary>
    private static IEnumerable<(string Folder, List<string> Names)> FoldersBelow(string folder, List<string> names)
    {
        yield return (folder, names);
        foreach (var sub in Enumerate(() => Directory.EnumerateDirectories(Existing(folder), "*", FolderOptions)))
        {
            var name = Path.GetFileName(sub);
            foreach (var below in FoldersBelow(Combine(folder, name), [.. names, name]))
            {
                yield return below;
            }
        }
    }

    /// <summary>The entries <paramref name="list"/> gives, read at once; none when the folder is missing or went away.</summary>
    private static List<string> Enumerate(Func<IEnumerable<string>> list)
    {
        try
        {
            return [.. list()];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Existing(string folder) => folder.Length == 0 ? "." : folder;

    private static string Combine(string folder, string name) => folder.Length == 0 ? name : Path.Join(folder, name);

    private static string Stem(string name) => Path.GetFileNameWithoutExtension(name) is { Length: > 0 } stem ? stem : name;

    private static bool EndsWithSeparator(string path) => path.Length > 0 && IsSeparator(path[^1]);

    private static bool IsSeparator(char c) => c == '/' || c == Path.DirectorySeparatorChar;

    private static readonly char[] Separators = ['/', Path.DirectorySeparatorChar];
}
