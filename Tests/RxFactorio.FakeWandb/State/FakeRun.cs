using System.Text.Json.Nodes;
using RxFactorio.FakeWandb.Http;

namespace RxFactorio.FakeWandb.State;

/// <summary>A run as the fake server has stored it. Thread-safe; every getter returns a snapshot.</summary>
public sealed class FakeRun
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeFile> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uploaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _markedUploaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeRunFile> _runFiles = new(StringComparer.Ordinal);
    private JsonObject _config = [];
    private string? _configJson;
    private IReadOnlyList<string> _tags = [];
    private string? _displayName, _description, _notes, _group, _jobType, _host, _program, _repo, _commit, _sweep;
    private string _state = "running";
    private bool _complete, _preempting, _stopped;
    private int? _exitCode;
    private int _upsertCount, _dropped;

    internal FakeRun(RunKey key)
    {
        Key = key;
        StorageId = GraphqlIds.Run(key);
    }

    public RunKey Key { get; }

    public string Entity => Key.Entity;

    public string Project => Key.Project;

    public string Name => Key.Name;

    /// <summary>The opaque GraphQL node id returned as bucket.id: base64("Run:v1:{name}:{project}:{entity}") (docs/wandb-protocol.md §2).</summary>
    public string StorageId { get; }

    public string? DisplayName => Read(() => _displayName);

    public string? Description => Read(() => _description);

    public string? Notes => Read(() => _notes);

    public string? Group => Read(() => _group);

    public string? JobType => Read(() => _jobType);

    public string? Host => Read(() => _host);

    public string? Program => Read(() => _program);

    public string? Repo => Read(() => _repo);

    public string? Commit => Read(() => _commit);

    public string? SweepName => Read(() => _sweep);

    public IReadOnlyList<string> Tags => Read(() => _tags);

    /// <summary>"running", "finished" (complete, exitcode 0), "failed" (complete, other exitcode), or what UpsertBucket set.</summary>
    public string State => Read(() => _state);

    public bool Complete => Read(() => _complete);

    public int? ExitCode => Read(() => _exitCode);

    public bool Preempting => Read(() => _preempting);

    public bool Stopped => Read(() => _stopped);

    public int UpsertCount => Read(() => _upsertCount);

    /// <summary>Sum of the legacy client's "dropped" counters.</summary>
    public int Dropped => Read(() => _dropped);

    public IReadOnlySet<string> Uploaded => Read(() => (IReadOnlySet<string>)new HashSet<string>(_uploaded));

    /// <summary>Files MarkRunFilesUploaded named (wandb-core itself reports uploads in file_stream's "uploaded").</summary>
    public IReadOnlySet<string> MarkedUploaded => Read(() => (IReadOnlySet<string>)new HashSet<string>(_markedUploaded));

    /// <summary>The run files PUT to their upload URLs, by name (ordinal order).</summary>
    public IReadOnlyList<FakeRunFile> RunFiles => Read(() => (IReadOnlyList<FakeRunFile>)[.. _runFiles.Values.OrderBy(f => f.Name, StringComparer.Ordinal)]);

    /// <summary>One uploaded run file, or null.</summary>
    public FakeRunFile? RunFile(string name) => Read(() => _runFiles.GetValueOrDefault(name));

    /// <summary>The config JSON string exactly as last sent ({"key":{"value":…}}), or null if none was sent.</summary>
    public string? ConfigJson => Read(() => _configJson);

    /// <summary>The config with each top-level {"value": v} (or {"desc":…, "value": v}) unwrapped to v.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Config =>
        Read(() => (IReadOnlyDictionary<string, JsonNode?>)_config.ToDictionary(p => p.Key, p => p.Value?.DeepClone()));

    /// <summary>The stored lines of a file in offset order, each with its offset.</summary>
    public IReadOnlyList<KeyValuePair<long, string>> FileLines(string fileName) =>
        Read(() => _files.TryGetValue(fileName, out var f) ? f.Snapshot() : []);

    /// <summary>The lines of a file that file_stream wrote, in offset order, each with when it first arrived and how often it was written.</summary>
    public IReadOnlyList<LineArrival> LineArrivals(string fileName) =>
        Read(() => _files.TryGetValue(fileName, out var f) ? f.Arrivals() : []);

    /// <summary>The stored lines of a file in offset order.</summary>
    public IReadOnlyList<string> Lines(string fileName) => [.. FileLines(fileName).Select(p => p.Value)];

    /// <summary>Distinct offsets stored: the "lines the server has taken in" (historyLineCount etc., docs/wandb-protocol.md §3).</summary>
    public int LineCount(string fileName) => Read(() => _files.TryGetValue(fileName, out var f) ? f.Count : 0);

    public IReadOnlyList<string> Tail(string fileName, int count) =>
        Read(() => _files.TryGetValue(fileName, out var f) ? f.Tail(count) : []);

    /// <summary>The last line of wandb-summary.json ("the backend only looks at the last line", docs/wandb-protocol.md §3).</summary>
    public string? SummaryJson => Read(() => _files.TryGetValue(FakeFileNames.Summary, out var f) ? f.LastLine : null);

    /// <summary>The parsed summary (bare NaN/Infinity become strings), or null if none or unparseable.</summary>
    public JsonObject? Summary => SummaryJson is { } s && TolerantJson.TryParse(s, out var n) ? n as JsonObject : null;

    /// <summary>History rows parsed, in offset order. Throws if a stored line is not a JSON object.</summary>
    public IReadOnlyList<JsonObject> HistoryRows() =>
        [.. FileLines(FakeFileNames.History).Select(p => TolerantJson.Parse(p.Value) as JsonObject
            ?? throw new InvalidDataException($"History line at offset {p.Key} is not a JSON object: {p.Value}"))];

    /// <summary>_step of the last parseable history line, if any.</summary>
    public long? LastStep
    {
        get
        {
            var last = FileLines(FakeFileNames.History).LastOrDefault().Value;
            return last is not null && TolerantJson.TryParse(last, out var n)
                && n is JsonObject o && o["_step"] is JsonValue v && v.TryGetValue(out long step)
                ? step
                : null;
        }
    }

    internal void MarkStopped(bool stopped) => Write(() => _stopped = stopped);

    internal void StoreRunFile(string name, byte[] content) =>
        Write(() => _runFiles[name] = new FakeRunFile(name, content, (_runFiles.GetValueOrDefault(name)?.Uploads ?? 0) + 1));

    internal void MarkUploaded(IEnumerable<string> names) => Write(() => _markedUploaded.UnionWith(names));

    internal void ApplyUpsert(RunParameters p)
    {
        lock (_gate)
        {
            _upsertCount++;
            _displayName = p.DisplayName ?? _displayName;
            _description = p.Description ?? _description;
            _notes = p.Notes ?? _notes;
            _group = p.Group ?? _group;
            _jobType = p.JobType ?? _jobType;
            _tags = p.Tags ?? _tags;
            _host = p.Host ?? _host;
            _program = p.Program ?? _program;
            _repo = p.Repo ?? _repo;
            _commit = p.Commit ?? _commit;
            _sweep = p.Sweep ?? _sweep;
            _state = p.State ?? _state;
            if (p.ConfigJson is not null && p.Config is not null)
            {
                // The SDK sends the whole config every time, so a non-null config replaces (docs/wandb-protocol.md §2).
                _configJson = p.ConfigJson;
                _config = p.Config;
            }

            if (p.SummaryMetrics is not null)
            {
                // Legacy sender only; the SDK's spy stores it as the last summary line (docs/wandb-protocol.md §2).
                File(FakeFileNames.Summary).Append(p.SummaryMetrics);
            }
        }
    }

    /// <returns>How many lines replaced an existing offset.</returns>
    internal int WriteLines(string fileName, long offset, IReadOnlyList<string> content, DateTimeOffset now)
    {
        lock (_gate)
        {
            return File(fileName).Write(offset, content, now);
        }
    }

    internal void ApplyStreamFlags(bool? complete, int? exitCode, bool? preempting, IEnumerable<string> uploaded, int dropped)
    {
        lock (_gate)
        {
            _uploaded.UnionWith(uploaded);
            _dropped += dropped;
            if (preempting == true)
            {
                _preempting = true;
            }

            if (exitCode is not null || complete == true)
            {
                _exitCode = exitCode ?? _exitCode;
            }

            if (complete == true)
            {
                _complete = true;
                _state = (exitCode ?? _exitCode ?? 0) == 0 ? "finished" : "failed";
            }
        }
    }

    /// <summary>The config's _wandb.value.t, the key resume needs to treat a run as started (docs/wandb-protocol.md §5).</summary>
    internal JsonNode? TelemetryKey() => Read(() => (_config["_wandb"] as JsonObject)?["t"]?.DeepClone());

    private FakeFile File(string name)
    {
        if (!_files.TryGetValue(name, out var file))
        {
            file = new FakeFile();
            _files[name] = file;
        }

        return file;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Write(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }
}
