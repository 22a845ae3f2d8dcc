using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.Sources;

/// <summary>
/// What a restarted <c>run</c> picks up for one source: the run the source was feeding and its
/// session (every kind of source), and for a tailed file how far it has been read into the run log,
/// so that it reads on from there: the file's identity, the byte offset and line number just after
/// the last line whose effects are all in the log. A FIFO, stdin or UDP port cannot be read again:
/// its checkpoint holds only the source, session and run (offsets 0), so that the same session
/// arriving after a restart continues that run.
/// </summary>
internal sealed record SourceCheckpoint
{
    /// <summary>The format version, 1.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    /// <summary>The source file's absolute path (for people; the file name is its hash).</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "";

    /// <summary>The file's device number (see <see cref="FileIdentity"/>).</summary>
    [JsonPropertyName("device")]
    public ulong Device { get; init; }

    /// <summary>The file's inode number (see <see cref="FileIdentity"/>).</summary>
    [JsonPropertyName("inode")]
    public ulong Inode { get; init; }

    /// <summary>Where reading resumes: the byte offset just after the last line whose effects are all in the run log.</summary>
    [JsonPropertyName("offset")]
    public long Offset { get; init; }

    /// <summary>The line number of the line ending at <see cref="Offset"/>.</summary>
    [JsonPropertyName("line")]
    public long Line { get; init; }

    /// <summary>The byte offset just after the last line taken in; lines up to here belong to <see cref="RunId"/>.</summary>
    [JsonPropertyName("through_offset")]
    public long ThroughOffset { get; init; }

    /// <summary>The run the source was feeding (8 of <c>[a-z0-9]</c>).</summary>
    [JsonPropertyName("run_id")]
    public string RunId { get; init; } = "";

    /// <summary>The session of <see cref="RunId"/> (for people: a restart takes the session from the run's log).</summary>
    [JsonPropertyName("session_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SessionId { get; init; }

    /// <summary>That run's last step in the log; <c>null</c> before its first row (and for a source that is not a tailed file).</summary>
    [JsonPropertyName("last_step")]
    public long? LastStep { get; init; }

    /// <summary>
    /// What the file held before <see cref="Offset"/>: <c>xxh128:</c> and the hex XXH128 of its first
    /// bytes and of the bytes just before the offset (up to 1 KiB each). A file rewritten in place keeps
    /// its inode; this tells it from the file the checkpoint was taken of. Checkpoints written before
    /// 2026-12-03 hold a <c>sha256:</c> one (still checked); older ones none (then only the identity and
    /// length are checked).
    /// </summary>
    [JsonPropertyName("fingerprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Fingerprint { get; init; }

    /// <summary>
    /// Every run of the source a restart continues, one per session (a source carries several
    /// sessions at once); empty when none may continue. Absent in checkpoints written before it
    /// existed: then the one run above.
    /// </summary>
    [JsonPropertyName("runs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CheckpointRun>? Runs { get; init; }

    /// <summary>The runs to continue: <see cref="Runs"/>, or the one run of an older checkpoint.</summary>
    [JsonIgnore]
    public IReadOnlyList<CheckpointRun> RunsToContinue =>
        Runs ?? [new CheckpointRun { RunId = RunId, SessionId = SessionId, ThroughOffset = ThroughOffset, LastStep = LastStep }];

    /// <summary>When the checkpoint was written.</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The file the checkpoint belongs to.</summary>
    [JsonIgnore]
    public FileIdentity Identity => new(Device, Inode);

    /// <summary>Where a tail resumes.</summary>
    [JsonIgnore]
    public TailPosition Position => new(Identity, Offset);
}

/// <summary>One run a checkpoint keeps (<see cref="SourceCheckpoint.Runs"/>).</summary>
internal sealed record CheckpointRun
{
    /// <summary>The run (8 of <c>[a-z0-9]</c>).</summary>
    [JsonPropertyName("run_id")]
    public string RunId { get; init; } = "";

    /// <summary>Its session (for people: a restart takes the session from the run's log).</summary>
    [JsonPropertyName("session_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SessionId { get; init; }

    /// <summary>The byte offset just after the run's last line: re-read lines of its session up to here are its.</summary>
    [JsonPropertyName("through_offset")]
    public long ThroughOffset { get; init; }

    /// <summary>Its last step in the log; <c>null</c> before its first row.</summary>
    [JsonPropertyName("last_step")]
    public long? LastStep { get; init; }
}

/// <summary>
/// The checkpoint of one source: <c>&lt;directory&gt;/&lt;XXH128 of the absolute path&gt;.json</c>
/// (never the path or a session id in a file name), written atomically after the run log is
/// flushed. For a tailed file it learns the file's identity from <see cref="TailOptions.PositionChanged"/>
/// and is saved after every log append; for a stream (FIFO, stdin, UDP) it is saved when the source
/// starts feeding another run. Thread-safe.
/// </summary>
internal sealed class SourceCheckpointStore
{
    private readonly Lock _gate = new();
    private FileIdentity? _identity;
    private string? _savedRuns;
    private string? _legacyFile;

    /// <summary>The store of <paramref name="sourcePath"/>'s checkpoint in <paramref name="directory"/>.</summary>
    /// <param name="directory">The checkpoints folder, e.g. <c>&lt;dir&gt;/wandb/checkpoints</c>; created on the first save.</param>
    /// <param name="sourcePath">The source as given: a path (made absolute), <c>-</c> (stdin) or a <c>udp://</c> address.</param>
    /// <param name="tracksPosition">True for a tailed file (offsets are kept); false for a source that cannot be read again (only its run is kept).</param>
    public SourceCheckpointStore(string directory, string sourcePath, bool tracksPosition = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        Directory = Path.GetFullPath(directory);
        TracksPosition = tracksPosition;
        SourcePath = sourcePath == "-" || UdpAddress.IsUdp(sourcePath) ? sourcePath : Path.GetFullPath(sourcePath);
        FilePath = Path.Combine(Directory, FileNameFor(SourcePath));
    }

    /// <summary>The checkpoints folder.</summary>
    public string Directory { get; }

    /// <summary>The source: a tailed file's or FIFO's absolute path, <c>-</c>, or a <c>udp://</c> address.</summary>
    public string SourcePath { get; }

    /// <summary>Whether the checkpoint keeps a read position (a tailed file), or only the run (a stream).</summary>
    public bool TracksPosition { get; }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }

    /// <summary>The tailed file's identity, once known (from <see cref="Observe"/> or <see cref="ResumePosition"/>).</summary>
    public FileIdentity? Identity
    {
        get
        {
            lock (_gate)
            {
                return _identity;
            }
        }
    }

    /// <summary>The checkpoint file's name for a source: the 32 hex digits of the XXH128 of its absolute path, then <c>.json</c>.</summary>
    /// <param name="absolutePath">The source's absolute path.</param>
    public static string FileNameFor(string absolutePath) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(absolutePath))) + ".json";

    /// <summary>
    /// Loads the checkpoint; <c>null</c> when there is none. A checkpoint written before 2026-12-03 is
    /// named by the SHA-256 of the path: it is found by its <c>source</c>, and the next save replaces it.
    /// </summary>
    /// <exception cref="IOException">It cannot be read or is not a checkpoint; the message names the file.</exception>
    public SourceCheckpoint? Load()
    {
        var file = FilePath;
        try
        {
            if (!File.Exists(file))
            {
                file = FindLegacyFile();
                lock (_gate)
                {
                    _legacyFile = file;
                }
                if (file is null)
                {
                    return null;
                }
            }
            var checkpoint = JsonSerializer.Deserialize(File.ReadAllBytes(file), SourceCheckpointJsonContext.Default.SourceCheckpoint);
            lock (_gate)
            {
                _savedRuns = checkpoint is null ? null : RunSet(checkpoint.RunsToContinue.Select(r => r.RunId));
            }
            return checkpoint;
        }
        catch (JsonException ex)
        {
            throw new IOException($"Cannot read the checkpoint '{file}': it is not valid JSON ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot read the checkpoint '{file}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The checkpoint file of this source named the way checkpoints were before 2026-12-03 (by SHA-256,
    /// which would load the platform's crypto library just to name a file): the one whose <c>source</c>
    /// is this source; <c>null</c> when there is none.
    /// </summary>
    private string? FindLegacyFile()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return null;
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllBytes(file), SourceCheckpointJsonContext.Default.SourceCheckpoint)?.Source == SourcePath)
                {
                    return file;
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                // NOTE: another source's checkpoint; that source reports it when it loads it.
            }
        }
        return null;
    }

    /// <summary>
    /// Where the tail resumes: the checkpoint's position when the file at the path is still the
    /// same file (same identity), at least that long, and holds the same bytes before the offset
    /// (<see cref="SourceCheckpoint.Fingerprint"/>, when the checkpoint has one); otherwise <c>null</c>
    /// (read it anew: it was replaced, truncated or rewritten in place).
    /// </summary>
    /// <param name="checkpoint">The loaded checkpoint.</param>
    public TailPosition? ResumePosition(SourceCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var now = FileIdentities.OfPath(SourcePath);
        if (now != checkpoint.Identity)
        {
            return null;
        }
        long length;
        try
        {
            length = new FileInfo(SourcePath).Length;
        }
        catch (IOException)
        {
            return null;
        }
        if (length < checkpoint.Offset)
        {
            return null;
        }
        if (checkpoint.Fingerprint is { } expected && !TailFingerprint.StillHolds(SourcePath, checkpoint.Identity, checkpoint.Offset, expected))
        {
            return null;
        }
        lock (_gate)
        {
            _identity = checkpoint.Identity;
        }
        return checkpoint.Position;
    }

    /// <summary>Learns the file's identity from the tail (pass this as <see cref="TailOptions.PositionChanged"/>).</summary>
    /// <param name="position">The tail's position.</param>
    public void Observe(TailPosition position)
    {
        lock (_gate)
        {
            _identity = position.Identity;
        }
    }

    /// <summary>
    /// Saves where the source stands for <paramref name="runId"/> and the other runs of the mark
    /// (<see cref="SourceMark.Runs"/>), atomically. For a tailed file nothing is saved before the file's
    /// identity is known; for a stream, only when the set of runs is not the one saved last.
    /// </summary>
    /// <param name="mark">The mark of a command that is in the run log now.</param>
    /// <param name="runId">The run the command was for.</param>
    /// <param name="now">The time to stamp.</param>
    /// <param name="sessionId">The run's session, kept for people.</param>
    /// <returns>Whether a checkpoint was written.</returns>
    /// <exception cref="IOException">It cannot be written; the message names the file.</exception>
    public bool Save(SourceMark mark, string runId, DateTimeOffset now, string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(mark);
        IReadOnlyList<CheckpointRun>? runs = mark.Runs is null
            ? null
            : [.. mark.Runs.Select(r => new CheckpointRun
            {
                RunId = r.RunId,
                SessionId = r.SessionId,
                ThroughOffset = TracksPosition ? r.ThroughOffset : 0,
                LastStep = TracksPosition ? r.LastStep : null,
            })];
        if (!TracksPosition)
        {
            var set = RunSet(runs?.Select(r => r.RunId) ?? [runId]);
            lock (_gate)
            {
                if (_savedRuns == set)
                {
                    return false;
                }
            }
            Save(new SourceCheckpoint { Source = SourcePath, RunId = runId, SessionId = sessionId, Runs = runs, UpdatedAt = now });
            lock (_gate)
            {
                _savedRuns = set;
            }
            return true;
        }
        if (Identity is not { } identity)
        {
            return false;
        }
        Save(new SourceCheckpoint
        {
            Source = SourcePath,
            Device = identity.Device,
            Inode = identity.Inode,
            Offset = mark.ResumeOffset,
            Line = mark.ResumeLine,
            ThroughOffset = mark.ThroughOffset,
            RunId = runId,
            SessionId = sessionId,
            LastStep = mark.LastStep,
            Runs = runs,
            // NOTE: read from the file at save time; were it rewritten since the mark's bytes were read, the
            // live tail starts over on its next poll, and the next checkpoint follows the new content.
            Fingerprint = TailFingerprint.HashOf(SourcePath, identity, mark.ResumeOffset),
            UpdatedAt = now,
        });
        return true;
    }

    private static string RunSet(IEnumerable<string> runIds) => string.Join(',', runIds.Order(StringComparer.Ordinal));

    /// <summary>Saves a checkpoint atomically (written to a temporary file, then renamed).</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <exception cref="IOException">It cannot be written; the message names the file.</exception>
    public void Save(SourceCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var temporary = FilePath + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(checkpoint, SourceCheckpointJsonContext.Default.SourceCheckpoint));
            File.Move(temporary, FilePath, overwrite: true);
            string? legacy;
            lock (_gate)
            {
                (legacy, _legacyFile) = (_legacyFile, null);
            }
            if (legacy is not null)
            {
                File.Delete(legacy);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write the checkpoint '{FilePath}': {ex.Message}", ex);
        }
    }
}

[JsonSerializable(typeof(SourceCheckpoint))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class SourceCheckpointJsonContext : JsonSerializerContext;
