using System.Globalization;
using System.Text.RegularExpressions;

namespace RxFactorio.RunLog;

/// <summary>
/// W&amp;B's folder layout for runs on disk (docs/wandb-protocol.md §7):
/// <c>&lt;root&gt;/wandb/offline-run-YYYYMMDD_HHMMSS-&lt;runid&gt;/run-&lt;runid&gt;.wandb</c> plus <c>files/</c>,
/// with <c>run-…</c> instead of <c>offline-run-…</c> for online runs and <c>.wandb/</c> instead of
/// <c>wandb/</c> when that folder exists. The timestamp is the run's start in local time.
/// Only run ids of exactly 8 characters <c>[a-z0-9]</c> become path segments; session ids never do.
/// </summary>
public sealed partial class OfflineLayout
{
    private readonly TimeZoneInfo _timeZone;

    /// <summary>Uses <paramref name="rootDirectory"/> (W&amp;B's <c>WANDB_DIR</c>, or the working directory) as the root.</summary>
    /// <param name="rootDirectory">The root: runs go to its <c>wandb/</c> folder.</param>
    /// <param name="timeZone">The time zone of folder timestamps; <c>null</c> = local time, as W&amp;B does.</param>
    public OfflineLayout(string rootDirectory, TimeZoneInfo? timeZone = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _timeZone = timeZone ?? TimeZoneInfo.Local;
    }

    /// <summary>The root directory (absolute).</summary>
    public string RootDirectory { get; }

    /// <summary>Where run folders go: <c>&lt;root&gt;/.wandb</c> if that exists, else <c>&lt;root&gt;/wandb</c>.</summary>
    public string WandbDirectory
    {
        get
        {
            var hidden = Path.Combine(RootDirectory, ".wandb");
            return Directory.Exists(hidden) ? hidden : Path.Combine(RootDirectory, "wandb");
        }
    }

    /// <summary>Whether <paramref name="runId"/> is a run id RxFactorio writes to disk: exactly 8 of <c>[a-z0-9]</c>.</summary>
    /// <param name="runId">The run id.</param>
    internal static bool IsValidRunId(string? runId) => runId is not null && RunIdPattern().IsMatch(runId);

    /// <summary>Throws unless <paramref name="runId"/> is exactly 8 of <c>[a-z0-9]</c>, so that nothing else can become a path.</summary>
    /// <param name="runId">The run id.</param>
    /// <exception cref="ArgumentException">It is not.</exception>
    internal static void ValidateRunId(string? runId)
    {
        if (!IsValidRunId(runId))
        {
            throw new ArgumentException("A run id on disk must be exactly 8 characters of [a-z0-9].", nameof(runId));
        }
    }

    /// <summary>The folder name of a run: <c>offline-run-YYYYMMDD_HHMMSS-&lt;runid&gt;</c> (or <c>run-…</c> when online).</summary>
    /// <param name="runId">The run id (validated).</param>
    /// <param name="startTime">The run's start.</param>
    /// <param name="offline">Offline (the default) or online.</param>
    internal string RunFolderName(string runId, DateTimeOffset startTime, bool offline = true)
    {
        ValidateRunId(runId);
        var local = ToZone(startTime);
        return $"{(offline ? "offline-" : "")}run-{local.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}-{runId}";
    }

    /// <summary>The folder of a run that starts at <paramref name="startTime"/> (not created).</summary>
    /// <param name="runId">The run id (validated).</param>
    /// <param name="startTime">The run's start.</param>
    /// <param name="offline">Offline (the default) or online.</param>
    internal RunFolder GetRunFolder(string runId, DateTimeOffset startTime, bool offline = true) =>
        new(Path.Combine(WandbDirectory, RunFolderName(runId, startTime, offline)), runId);

    /// <summary>Creates a run's folder and its <c>files/</c> folder.</summary>
    /// <param name="runId">The run id (validated).</param>
    /// <param name="startTime">The run's start.</param>
    /// <param name="offline">Offline (the default) or online.</param>
    /// <exception cref="IOException">A folder cannot be created; the message names it.</exception>
    internal RunFolder CreateRunFolder(string runId, DateTimeOffset startTime, bool offline = true)
    {
        var folder = GetRunFolder(runId, startTime, offline);
        PathErrors.Wrap(folder.FilesDirectory, "create the run folder", () => Directory.CreateDirectory(folder.FilesDirectory));
        return folder;
    }

    /// <summary>The newest existing folder of <paramref name="runId"/> that holds its log, or <c>null</c>.</summary>
    /// <param name="runId">The run id (validated).</param>
    internal RunFolder? FindRunFolder(string runId)
    {
        ValidateRunId(runId);
        return FindRunFolders().Where(f => f.RunId == runId).LastOrDefault();
    }

    /// <summary>Every run folder under <see cref="WandbDirectory"/> that holds its log, oldest first (by name: start time).</summary>
    internal IReadOnlyList<RunFolder> FindRunFolders()
    {
        var wandb = WandbDirectory;
        if (!Directory.Exists(wandb))
        {
            return [];
        }
        var folders = new List<RunFolder>();
        foreach (var dir in Directory.EnumerateDirectories(wandb))
        {
            var match = FolderPattern().Match(Path.GetFileName(dir));
            if (match.Success)
            {
                var folder = new RunFolder(dir, match.Groups["id"].Value);
                if (File.Exists(folder.LogFile))
                {
                    folders.Add(folder);
                }
            }
        }
        return [.. folders.OrderBy(f => Path.GetFileName(f.Path).Replace("offline-", "", StringComparison.Ordinal), StringComparer.Ordinal)];
    }

    /// <summary>Points the <c>latest-run</c> symlink at <paramref name="folder"/>, as W&amp;B does. Best effort: a failure is ignored.</summary>
    /// <param name="folder">The run folder.</param>
    internal void PointLatestRunAt(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var link = Path.Combine(WandbDirectory, "latest-run");
        try
        {
            var info = new FileInfo(link);
            if (info.LinkTarget is not null || info.Exists)
            {
                info.Delete();
            }
            File.CreateSymbolicLink(link, Path.GetFileName(folder.Path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // NOTE: the link is a convenience (W&B's too); runs are found by folder name.
        }
    }

    private DateTime ToZone(DateTimeOffset time)
    {
        var offset = _timeZone.GetUtcOffset(time);
        var ticks = time.UtcTicks + offset.Ticks;
        return ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks ? time.UtcDateTime : new DateTime(ticks, DateTimeKind.Unspecified);
    }

    [GeneratedRegex("^[a-z0-9]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    [GeneratedRegex("^(offline-)?run-[0-9]{8}_[0-9]{6}-(?<id>[a-z0-9]{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex FolderPattern();

    /// <summary>The <c>.wandb</c> files under <paramref name="path"/>: the file itself, a run folder's log, or every run folder's log in a <c>wandb/</c> folder.</summary>
    /// <param name="path">A <c>.wandb</c> file, a run folder or a <c>wandb/</c> folder.</param>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    internal static IReadOnlyList<string> FindLogs(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"no run log, run folder or wandb folder at {path}", path);
        }
        var own = Directory.GetFiles(path, "run-*.wandb");
        if (own.Length > 0)
        {
            return [.. own.Order(StringComparer.Ordinal)];
        }
        return [.. Directory.GetDirectories(path)
            .Where(d => !string.Equals(Path.GetFileName(d), "latest-run", StringComparison.Ordinal))
            .SelectMany(d => Directory.GetFiles(d, "run-*.wandb"))
            .Order(StringComparer.Ordinal)];
    }
}
