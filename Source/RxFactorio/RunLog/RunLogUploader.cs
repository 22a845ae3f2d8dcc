using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// Uploads run logs (<c>.wandb</c> files) to W&amp;B through the same client as online runs, and
/// marks each uploaded one <c>run-&lt;id&gt;.wandb.synced</c>. A partly uploaded run resumes without
/// duplicates: the upsert tells how many history lines the server has, only the rows after them
/// are sent, and log lines go again to the same offsets, where W&amp;B replaces them.
/// </summary>
public sealed partial class RunLogUploader
{
    private readonly Func<RunLogContents, WandbConnection> _connect;
    private readonly ILogger _logger;
    private readonly int _rowsPerBatch;

    /// <summary>Creates an uploader.</summary>
    /// <param name="connect">Makes the connection for one log (its entity and project may come from the log).</param>
    /// <param name="logger">Where progress and damage are logged.</param>
    /// <param name="rowsPerBatch">History rows per file_stream batch (the client splits further under the request size limit).</param>
    public RunLogUploader(Func<RunLogContents, WandbConnection> connect, ILogger logger, int rowsPerBatch = 500)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerBatch, 1);
        _connect = connect;
        _logger = logger;
        _rowsPerBatch = rowsPerBatch;
    }

    /// <summary>The <c>.wandb</c> files under <paramref name="path"/>: the file itself, a run folder's log, or every run folder's log in a <c>wandb/</c> folder.</summary>
    /// <param name="path">A <c>.wandb</c> file, a run folder or a <c>wandb/</c> folder.</param>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    public static IReadOnlyList<string> FindLogs(string path)
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

    /// <summary>Uploads one run log and finishes the run on W&amp;B.</summary>
    /// <param name="logFile">The <c>.wandb</c> file.</param>
    /// <param name="cancellationToken">Cancels the upload; what was acknowledged stays acknowledged.</param>
    /// <exception cref="WandbAuthenticationException">The key was refused.</exception>
    public async Task<RunLogUploadResult> UploadAsync(string logFile, CancellationToken cancellationToken = default)
    {
        if (SyncedMarker.IsSynced(logFile))
        {
            return new RunLogUploadResult(logFile, "", RunLogUploadOutcome.AlreadySynced, 0, null, null, null);
        }
        var contents = RunLogReader.Read(logFile);
        var damage = contents.Report.Damage.Count > 0 ? $"{contents.Report.Damage.Count} damaged part(s) skipped, first: {contents.Report.Damage[0]}" : null;
        if (damage is not null)
        {
            LogDamage(_logger, logFile, damage);
        }
        if (contents.ToRunInfo() is not { } run)
        {
            return new RunLogUploadResult(logFile, "", RunLogUploadOutcome.Unreadable, 0, null, null, damage ?? "the log holds no run record");
        }
        using var connection = _connect(contents);
        var client = connection.CreateRunClient(run);
        await client.StartAsync(resumed: true, cancellationToken).ConfigureAwait(false);
        var alreadyThere = (int)Math.Min(client.HistoryOffset, contents.History.Count);
        var rows = contents.History.Skip(alreadyThere).ToList();
        var summary = contents.Summary.ToImmutableArray();
        var sent = 0L;
        var first = true;
        for (var start = 0; first || start < rows.Count; start += _rowsPerBatch)
        {
            var batch = new LogBatch
            {
                Run = run,
                Rows = [.. rows.Skip(start).Take(_rowsPerBatch)],
                LogLines = first ? [.. contents.LogLines] : [],
                Summary = summary,
            };
            first = false;
            if (!await client.SendAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                return new RunLogUploadResult(logFile, run.RunId, RunLogUploadOutcome.Failed, sent, client.Entity, client.Project, $"the server stopped or refused run {run.RunId}");
            }
            sent += batch.Rows.Length;
            new RunLogAck { RunId = run.RunId, RecordNum = contents.LastRecordNum, HistoryLines = alreadyThere + sent, OutputLines = contents.LogLines.Count, LastStep = batch.Rows.IsEmpty ? null : batch.Rows[^1].Step, UpdatedAt = DateTimeOffset.UtcNow }
                .Save(logFile);
        }
        await client.FinishAsync(contents.ExitCode ?? 0, cancellationToken).ConfigureAwait(false);
        SyncedMarker.Mark(logFile);
        LogSynced(_logger, run.RunId, sent, alreadyThere, client.Entity, client.Project);
        return new RunLogUploadResult(logFile, run.RunId, RunLogUploadOutcome.Synced, sent, client.Entity, client.Project, damage);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run log {LogFile} is damaged: {Damage}; the intact records are uploaded")]
    private static partial void LogDamage(ILogger logger, string logFile, string damage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Synced run {RunId}: {Sent} row(s) sent, {Already} already on the server, to {Entity}/{Project}")]
    private static partial void LogSynced(ILogger logger, string runId, long sent, int already, string? entity, string? project);
}
