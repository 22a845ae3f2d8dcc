using System.Text.Json.Nodes;

namespace RxFactorio.FakeWandb.State;

/// <summary>Everything the fake server has stored: runs, the request log and counters. Thread-safe.</summary>
public sealed class FakeState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RunKey, FakeRun> _runs = [];
    private readonly Dictionary<string, FakeRun> _runsByStorageId = new(StringComparer.Ordinal);
    private readonly List<FakeRequest> _requests = [];

    internal CounterSet CounterSet { get; } = new();

    internal UploadSlots UploadSlots { get; } = new();

    public FakeCounters Counters => CounterSet.Snapshot();

    /// <summary>All runs in creation order.</summary>
    public IReadOnlyList<FakeRun> Runs
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs.Values];
            }
        }
    }

    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public FakeRun? FindRun(RunKey key)
    {
        lock (_gate)
        {
            return _runs.GetValueOrDefault(key);
        }
    }

    public FakeRun? FindRun(string entity, string project, string name) => FindRun(new RunKey(entity, project, name));

    /// <summary>The run with this name in any entity/project; throws if there is not exactly one.</summary>
    public FakeRun GetRun(string name)
    {
        lock (_gate)
        {
            var matches = _runs.Values.Where(r => r.Name == name).ToList();
            return matches.Count == 1
                ? matches[0]
                : throw new InvalidOperationException($"Expected exactly one run named '{name}', found {matches.Count}.");
        }
    }

    public IReadOnlyList<JsonObject> HistoryRows(FakeRun run) => run.HistoryRows();

    public IReadOnlyList<JsonObject> HistoryRows(RunKey key) =>
        (FindRun(key) ?? throw new KeyNotFoundException($"No run {key}.")).HistoryRows();

    /// <summary>Makes file_stream answer "stopped": true for this run (the UI-stop path, docs/wandb-protocol.md §3 "Response").</summary>
    public void MarkStopped(RunKey key, bool stopped = true) =>
        (FindRun(key) ?? throw new KeyNotFoundException($"No run {key}.")).MarkStopped(stopped);

    public bool ProjectExists(string entity, string project)
    {
        lock (_gate)
        {
            return _runs.Keys.Any(k => k.Entity == entity && k.Project == project);
        }
    }

    internal FakeRun? FindByStorageId(string storageId)
    {
        lock (_gate)
        {
            return _runsByStorageId.GetValueOrDefault(storageId);
        }
    }

    internal (FakeRun Run, bool Inserted) GetOrCreate(RunKey key)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(key, out var existing))
            {
                return (existing, false);
            }

            var run = new FakeRun(key);
            _runs[key] = run;
            _runsByStorageId[run.StorageId] = run;
            return (run, true);
        }
    }

    internal void Log(FakeRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }
}
