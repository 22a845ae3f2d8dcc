using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;
using RxFactorio.Sources;

namespace RxFactorio.RunLog.Media;

/// <summary>
/// Turns a row's <see cref="HistoryRow.ScreenshotPath"/> into a W&amp;B image: reads the PNG from the
/// source's <c>script-output</c> folder (refusing any path that leaves it), copies it into the run folder
/// as <c>files/media/images/screenshot_&lt;step&gt;_&lt;sha256[:20]&gt;.png</c>, and puts W&amp;B's
/// <c>image-file</c> JSON into the row under <see cref="Key"/>, at most one image per
/// <see cref="RunLogSinkOptions.ScreenshotInterval"/> of game time per run. Whatever is not logged is a
/// counted diagnostic (source and line); the row's numbers always go on. Not thread-safe: the sink calls it under its lock.
/// </summary>
/// <remarks>
/// Follows W&amp;B's <c>Media.bind_to_run</c> (<c>wandb/sdk/data_types/base_types/media.py</c>: id = sha256[:20],
/// <c>_wb_filename(key, step, id, ext)</c> = <c>key_step_id.ext</c> under <c>Image.get_media_subdir()</c> =
/// <c>media/images</c> of the run's files folder) and <c>Image.to_json</c> (<c>wandb/sdk/data_types/image.py</c>);
/// docs/wandb-protocol.md §3 "Images".
/// </remarks>
internal sealed partial class ScreenshotWriter(RunLogSinkOptions options)
{
    /// <summary>The history key images are logged under.</summary>
    public const string Key = Runs.ReservedKeys.Screenshot;

    /// <summary>The largest PNG read: 64 MiB (a 4K screenshot is a few MiB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>The media folder inside a run's <c>files/</c>, as W&amp;B's JSON paths name it.</summary>
    public const string MediaDirectory = "media/images";

    private readonly Dictionary<string, long> _lastImageTick = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warnedSources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScriptOutputFolder?> _folders = new(StringComparer.Ordinal);

    /// <summary><paramref name="row"/>, with its image when its screenshot is logged; the row as it is otherwise.</summary>
    /// <param name="folder">The run's folder.</param>
    /// <param name="source">The run's source display name (a path, <c>-</c>, <c>udp://…</c>).</param>
    /// <param name="row">The row.</param>
    /// <exception cref="IOException">The copy cannot be written into the run folder; the message names the path.</exception>
    public HistoryRow Attach(RunFolder folder, string source, HistoryRow row)
    {
        if (row.ScreenshotPath is not { } relative)
        {
            return row;
        }
        var plain = row with { ScreenshotPath = null, ScreenshotLine = 0 };
        if (FolderFor(source) is not { } scriptOutput)
        {
            if (_warnedSources.Add(source))
            {
                Report(DiagnosticReason.ScreenshotWithoutScriptOutput, source, row,
                    "screenshots need the game's script-output folder, which a UDP or stdin source does not tell: set --script-output DIR; until then no screenshot from this source is read (said once)");
            }
            return plain;
        }
        var shown = Printable.Of(relative, 120);
        if (scriptOutput.Resolve(relative, out var refusal) is not { } path)
        {
            Report(DiagnosticReason.ScreenshotUnsafePath, source, row, $"screenshot_path '{shown}' {refusal}; it was not read");
            return plain;
        }
        var interval = (long)Math.Ceiling(options.ScreenshotInterval.TotalSeconds * 60);
        if (_lastImageTick.TryGetValue(folder.RunId, out var last) && interval > 0 && row.Tick - last < interval)
        {
            Report(DiagnosticReason.ScreenshotRateLimited, source, row,
                $"screenshot '{shown}' at tick {row.Tick} came {row.Tick - last} ticks after the run's last image; the screenshot interval is {options.ScreenshotInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of game time");
            return plain;
        }
        if (!File.Exists(path))
        {
            // NOTE: the usual reason a screenshot is not there, told without throwing (a replay may name thousands); a file removed after this check still ends in the catch below.
            Report(DiagnosticReason.ScreenshotUnreadable, source, row, Missing(shown, scriptOutput));
            return plain;
        }
        byte[] bytes;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length > MaxBytes)
            {
                Report(DiagnosticReason.ScreenshotUnreadable, source, row, $"screenshot '{shown}' is {file.Length} bytes, more than {MaxBytes}");
                return plain;
            }
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Report(DiagnosticReason.ScreenshotUnreadable, source, row, ex is FileNotFoundException or DirectoryNotFoundException
                ? Missing(shown, scriptOutput)
                : $"screenshot '{shown}' cannot be read ({ex.GetType().Name}) in script-output {Printable.Of(scriptOutput.Path, 200)}");
            return plain;
        }
        if (PngSize.Read(bytes) is not { } size)
        {
            Report(DiagnosticReason.ScreenshotNotPng, source, row, $"screenshot '{shown}' is not a PNG file (no PNG signature and IHDR chunk)");
            return plain;
        }
        var sha256 = Sha256Hex(bytes);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Key}_{row.Step}_{sha256[..20]}.png");
        Store(folder, name, bytes);
        _lastImageTick[folder.RunId] = row.Tick;
        var json = Wandb.WandbJsonLines.ImageFile($"{MediaDirectory}/{name}", sha256, bytes.Length, size.Width, size.Height);
        return plain with { JsonValues = [.. plain.JsonValues.IsDefault ? [] : plain.JsonValues, new(Key, json)] };
    }

    /// <summary>The image's SHA-256 in lower-case hex, as W&amp;B's image JSON carries it.</summary>
    // NOTE: not inlined into Attach: the crypto library is then loaded only once a screenshot is really logged, not by every run that names one (a replay whose screenshots are not on disk loads none).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Missing(string shown, ScriptOutputFolder scriptOutput) =>
        $"screenshot '{shown}' does not exist in script-output {Printable.Of(scriptOutput.Path, 200)}";

    /// <summary>
    /// The run files (names relative to <c>files/</c>) the images of <paramref name="rows"/> point at, for the
    /// uploader: only names this class writes (<c>media/images/screenshot_&lt;step&gt;_&lt;20 hex&gt;.png</c>), whatever a log holds.
    /// </summary>
    public static IReadOnlyList<string> MediaFiles(IEnumerable<HistoryRow> rows)
    {
        var names = new List<string>();
        foreach (var row in rows)
        {
            foreach (var (key, json) in row.JsonValues.IsDefault ? [] : row.JsonValues)
            {
                if (key == Key && PathOf(json) is { } path && MediaName().IsMatch(path) && !names.Contains(path))
                {
                    names.Add(path);
                }
            }
        }
        return names;
    }

    private static string? PathOf(string imageJson)
    {
        try
        {
            using var image = JsonDocument.Parse(imageJson);
            return image.RootElement.ValueKind == JsonValueKind.Object && image.RootElement.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String
                ? path.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("^media/images/screenshot_[0-9]{1,19}_[0-9a-f]{20}\\.png$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaName();

    /// <summary>The folder of a run's media files: <c>files/media/images</c>.</summary>
    public static string MediaFolder(RunFolder folder) => Path.Combine(folder.FilesDirectory, "media", "images");

    private static void Store(RunFolder folder, string name, byte[] bytes)
    {
        var directory = MediaFolder(folder);
        var target = Path.Combine(directory, name);
        if (File.Exists(target))
        {
            return; // NOTE: the name holds the step and the content's hash: a row logged again after a restart has its file already.
        }
        var temporary = target + ".tmp";
        PathErrors.Wrap(target, "store the screenshot", () =>
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, target, overwrite: true);
        });
    }

    /// <summary>The script-output folder of a source: <see cref="RunLogSinkOptions.ScriptOutputDirectory"/>, else a file's or FIFO's own folder; none for stdin and UDP.</summary>
    private ScriptOutputFolder? FolderFor(string source)
    {
        if (!_folders.TryGetValue(source, out var folder))
        {
            var path = options.ScriptOutputDirectory
                ?? (source == "-" || UdpAddress.IsUdp(source) ? null : Path.GetDirectoryName(Path.GetFullPath(source)));
            folder = path is null ? null : new ScriptOutputFolder(path);
            _folders[source] = folder;
        }
        return folder;
    }

    private void Report(DiagnosticReason reason, string source, HistoryRow row, string detail) =>
        options.Diagnostics?.OnNext(new IngestDiagnostic(reason, source, row.ScreenshotLine, $"{detail} (step {row.Step}; the row's numbers are logged)", ""));
}
