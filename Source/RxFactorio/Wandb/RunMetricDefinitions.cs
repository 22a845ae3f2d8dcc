using System.Text.Json;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;

namespace RxFactorio.Wandb;

/// <summary>
/// A run's metric definitions (<c>define_metric</c>) as wandb-core keeps them for the config's
/// <c>_wandb.m</c>: names defined outright, globs that define every later key they match
/// (client-side expansion: the server is not asked to expand globs), and the list encoding the
/// W&amp;B UI reads to pick each chart's x axis. Followed: wandb-core
/// <c>core/internal/runmetric/runmetric.go</c> (globs are a prefix and a trailing <c>*</c>; keys
/// starting with <c>_</c> never match), <c>definedmetric.go</c> (<c>With</c>, <c>ToRecord</c>),
/// <c>runconfigmetrics.go</c> (step metrics listed too, referred to by a one-based
/// <c>step_metric_index</c>) and <c>core/internal/corelib/protolib.go</c> (<c>ProtoEncodeToDict</c>:
/// field numbers as keys, all-bool messages as the list of the fields set). Not thread-safe.
/// </summary>
internal sealed class RunMetricDefinitions
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Definition> _defined = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, Definition Definition)> _globs = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>How many metrics are defined (explicitly or from a glob), step metrics included once referenced.</summary>
    public int Count => _defined.Count;

    /// <summary>True when nothing is defined: the config then carries an empty <c>m</c>.</summary>
    public bool IsEmpty => _defined.Count == 0 && _globs.Count == 0;

    /// <summary>Applies a metric record from the run log: a name is (re)defined, a glob is kept for later keys.</summary>
    /// <param name="record">The record.</param>
    public void Define(MetricRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var definition = Definition.From(record);
        if (record.Name.Length > 0)
        {
            // NOTE: as wandb-core's sender: a named record is explicit (IsExplicit) and, without overwrite, merges into what was there.
            Set(record.Name, _defined.TryGetValue(record.Name, out var previous) ? previous.Merge(definition) : definition);
        }
        else if (record.GlobName.Length > 0)
        {
            var prefix = record.GlobName.EndsWith('*') ? record.GlobName[..^1] : record.GlobName;
            var index = _globs.FindIndex(g => g.Prefix == prefix);
            if (index >= 0)
            {
                _globs[index] = (prefix, _globs[index].Definition.Merge(definition));
            }
            else
            {
                _globs.Add((prefix, definition));
            }
        }
    }

    /// <summary>
    /// Defines every key of <paramref name="row"/> that a glob matches and is not yet defined
    /// (as wandb-core's handler does for each history row).
    /// </summary>
    /// <param name="row">The row.</param>
    /// <returns>True when a new metric was defined, so the config must be sent again.</returns>
    public bool Expand(HistoryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return !row.Values.IsDefault && Expand(row.Values.Select(value => value.Key));
    }

    /// <summary>Like <see cref="Expand(HistoryRow)"/>, for the keys of rows' values.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>True when a key got a definition it did not have.</returns>
    public bool Expand(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_globs.Count == 0)
        {
            return false;
        }
        var added = false;
        foreach (var key in keys)
        {
            if (!_seen.Add(key) || key.StartsWith('_') || _defined.ContainsKey(key))
            {
                continue;
            }
            foreach (var (prefix, definition) in _globs)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // NOTE: the expanded record carries the name, so wandb-core's upserter counts it as explicit (definedmetric.go With).
                    Set(key, definition with { Explicit = true });
                    added = true;
                    break;
                }
            }
        }
        return added;
    }

    /// <summary>Writes the <c>_wandb.m</c> list: every defined metric, and every step metric they refer to.</summary>
    /// <param name="writer">The writer, positioned where the value goes.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var listed = new List<(string Name, Definition Definition)>();
        var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in _order)
        {
            List(name, listed, indexByName);
        }
        writer.WriteStartArray();
        foreach (var (name, definition) in listed)
        {
            writer.WriteStartObject();
            writer.WriteString("1", name);
            if (definition.Step.Length > 0)
            {
                writer.WriteNumber("5", indexByName[definition.Step] + 1);
            }
            writer.WritePropertyName("6");
            WriteFlags(writer, (definition.StepSync, 1), (definition.Hidden, 2), (definition.Explicit, 3));
            writer.WritePropertyName("7");
            WriteFlags(writer, (definition.Min, 1), (definition.Max, 2), (definition.Mean, 3), (definition.Last, 5), (definition.NoSummary, 6), (definition.First, 8));
            if (definition.Goal != MetricRecord.Types.MetricGoal.GoalUnset)
            {
                writer.WriteNumber("8", (int)definition.Goal);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private void Set(string name, Definition definition)
    {
        if (!_defined.ContainsKey(name))
        {
            _order.Add(name);
        }
        _defined[name] = definition;
    }

    private void List(string name, List<(string Name, Definition Definition)> listed, Dictionary<string, int> indexByName)
    {
        if (indexByName.ContainsKey(name))
        {
            return;
        }
        indexByName[name] = listed.Count;
        var definition = _defined.GetValueOrDefault(name) ?? Definition.Empty;
        listed.Add((name, definition));
        if (definition.Step.Length > 0)
        {
            // NOTE: as runconfigmetrics.go: a step metric gets its own entry (empty if never defined), so that the index resolves.
            List(definition.Step, listed, indexByName);
        }
    }

    private static void WriteFlags(Utf8JsonWriter writer, params ReadOnlySpan<(bool Set, int Field)> flags)
    {
        writer.WriteStartArray();
        foreach (var (set, field) in flags)
        {
            if (set)
            {
                writer.WriteNumberValue(field);
            }
        }
        writer.WriteEndArray();
    }

    private sealed record Definition(
        string Step, bool StepSync, bool Hidden, bool Explicit,
        bool NoSummary, bool Min, bool Max, bool Mean, bool Last, bool First,
        MetricRecord.Types.MetricGoal Goal)
    {
        public static Definition Empty { get; } = new("", false, false, false, false, false, false, false, false, false, MetricRecord.Types.MetricGoal.GoalUnset);

        public static Definition From(MetricRecord record)
        {
            var summary = record.Summary;
            return new Definition(
                record.StepMetric,
                record.Options?.StepSync ?? false,
                record.Options?.Hidden ?? false,
                record.Name.Length > 0,
                summary?.None ?? false,
                summary?.Min ?? false,
                summary?.Max ?? false,
                summary?.Mean ?? false,
                summary?.Last ?? false,
                summary?.First ?? false,
                record.Goal);
        }

        /// <summary>definedmetric.go <c>With</c>: flags only ever turn on; a step or goal given replaces the old one.</summary>
        public Definition Merge(Definition later) => new(
            later.Step.Length > 0 ? later.Step : Step,
            StepSync || later.StepSync,
            Hidden || later.Hidden,
            Explicit || later.Explicit,
            later.NoSummary,
            Min || later.Min,
            Max || later.Max,
            Mean || later.Mean,
            Last || later.Last,
            First || later.First,
            later.Goal != MetricRecord.Types.MetricGoal.GoalUnset ? later.Goal : Goal);
    }
}
