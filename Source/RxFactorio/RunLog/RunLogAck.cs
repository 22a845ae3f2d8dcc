using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxFactorio.RunLog;

/// <summary>
/// How far W&amp;B has acknowledged a run's log, kept beside it in <c>run-&lt;runid&gt;.wandb.ack.json</c>
/// so that a later <c>sync</c>, or an online sender after a restart, continues without sending
/// anything twice or skipping anything.
/// <para>
/// The rule: records are numbered 1, 2, … and a number is never reused, not even when a resumed
/// run cuts its old exit/final records off the log (new records continue after the highest number
/// the log ever held). So a sender reads the log, skips every record with <c>num ≤ </c>
/// <see cref="RecordNum"/>, and sends the rest with file_stream offsets starting at
/// <see cref="HistoryLines"/> and <see cref="OutputLines"/>. After each request W&amp;B answers with
/// 2xx, it saves the new state (atomically: written to a temporary file, then renamed). If it dies
/// between W&amp;B's answer and the save, the next sender repeats that request's records at the same
/// offsets, which W&amp;B stores idempotently (a line at an existing offset replaces it, docs/wandb-protocol.md §3).
/// </para>
/// <para>This file is RxFactorio's own; W&amp;B's <c>wandb sync</c> neither reads nor writes it (it has its own <c>.syncstate</c>).</para>
/// </summary>
internal sealed record RunLogAck
{
    /// <summary>The format version, 1.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    /// <summary>The run id the log belongs to.</summary>
    [JsonPropertyName("run_id")]
    public string RunId { get; init; } = "";

    /// <summary>Every record with a <c>num</c> up to this one has been acknowledged (0: none).</summary>
    [JsonPropertyName("record_num")]
    public long RecordNum { get; init; }

    /// <summary>
    /// The byte offset in the log just after the record <see cref="RecordNum"/>: where a sender
    /// reads on (0: from the start, skipping records up to <see cref="RecordNum"/>).
    /// </summary>
    [JsonPropertyName("log_offset")]
    public long LogOffset { get; init; }

    /// <summary>History lines W&amp;B has taken in: the file_stream offset of the next <c>wandb-history.jsonl</c> line.</summary>
    [JsonPropertyName("history_lines")]
    public long HistoryLines { get; init; }

    /// <summary>Output lines W&amp;B has taken in: the file_stream offset of the next <c>output.log</c> line.</summary>
    [JsonPropertyName("output_lines")]
    public long OutputLines { get; init; }

    /// <summary>The <c>_step</c> of the last acknowledged history row; <c>null</c> before the first.</summary>
    [JsonPropertyName("last_step")]
    public long? LastStep { get; init; }

    /// <summary>Whether W&amp;B acknowledged the run's finish (file_stream <c>complete</c>) for the records up to <see cref="RecordNum"/>.</summary>
    [JsonPropertyName("finished")]
    public bool Finished { get; init; }

    /// <summary>When this state was saved.</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The ack file's path for a log: the log's path plus <c>.ack.json</c>.</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    public static string PathFor(string logFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(logFile);
        return logFile + ".ack.json";
    }

    /// <summary>Loads the state of a log; nothing acknowledged when there is no ack file.</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    /// <exception cref="IOException">The file cannot be read or does not hold an ack state; the message names it.</exception>
    public static RunLogAck Load(string logFile)
    {
        var path = PathFor(logFile);
        return PathErrors.Wrap(path, "read the ack state", () =>
        {
            if (!File.Exists(path))
            {
                return new RunLogAck();
            }
            try
            {
                return JsonSerializer.Deserialize(File.ReadAllBytes(path), RunLogAckJsonContext.Default.RunLogAck) ?? new RunLogAck();
            }
            catch (JsonException ex)
            {
                throw new IOException($"Cannot read the ack state '{path}': it is not valid JSON ({ex.Message})", ex);
            }
        });
    }

    /// <summary>Saves this state for a log, atomically (a reader sees the old state or the new one, never half).</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    /// <exception cref="IOException">The file cannot be written; the message names it.</exception>
    public void Save(string logFile)
    {
        var path = PathFor(logFile);
        var temporary = path + ".tmp";
        PathErrors.Wrap(path, "write the ack state", () =>
        {
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, RunLogAckJsonContext.Default.RunLogAck));
            File.Move(temporary, path, overwrite: true);
        });
    }

    /// <summary>Whether a record still has to be sent: its number is above <see cref="RecordNum"/>.</summary>
    /// <param name="recordNum">The record's <c>num</c>.</param>
    public bool IsPending(long recordNum) => recordNum > RecordNum;
}

[JsonSerializable(typeof(RunLogAck))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class RunLogAckJsonContext : JsonSerializerContext;
