using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// The one sink: every command is first appended to its run's W&amp;B transaction log
/// (<c>&lt;dir&gt;/wandb/run-YYYYMMDD_HHMMSS-&lt;id&gt;/run-&lt;id&gt;.wandb</c>, or <c>offline-run-…</c>
/// without a connection) and flushed, and only then does <see cref="HandleAsync"/> return.
/// <para>
/// Online (created with a <see cref="WandbConnection"/>), a <see cref="RunLogShipper"/> per run reads
/// what is not acknowledged yet FROM THE LOG and streams it to W&amp;B in order, saving
/// <see cref="RunLogAck"/> after every acknowledged request. So when W&amp;B is slow or down, rows wait
/// on disk, not in memory: a shipper holds at most <see cref="RunLogSinkOptions.RowsPerRequest"/>
/// rows (<see cref="PendingRows"/>), however long the log grows. The same shipper sends the logs a
/// crashed process left (<see cref="Recover"/>) and the logs <c>rxfactorio sync</c> is given
/// (<see cref="SyncAsync"/>): one rule for what W&amp;B already has.
/// </para>
/// <para>
/// Offline (no connection), the logs stay on disk with W&amp;B's <c>files/</c> (metadata, config, summary,
/// output; see <see cref="RunFiles"/>) for <c>rxfactorio sync</c> or <c>wandb sync</c>. Online, the shipper
/// uploads the same files (<see cref="RunFilesUploader"/>).
/// </para>
/// <para>
/// Failures: a refused key (<see cref="WandbAuthenticationException"/>) or a disk error (an
/// <see cref="IOException"/> naming the path) fails the next <see cref="HandleAsync"/> and
/// <see cref="CompleteAsync"/>. A request that fails for good otherwise is retried after
/// <see cref="RunLogSinkOptions.RetryFailedRunAfter"/>; nothing is dropped.
/// </para>
/// </summary>
public sealed partial class RunLogSink : IRunSink, IAsyncDisposable
{
    private readonly RunLogSinkOptions _options;
    private readonly RunLogWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;
    private readonly Dictionary<string, LoggedRun> _runs = new(StringComparer.Ordinal);
    private readonly List<string> _folders = [];
    private readonly Dictionary<string, List<LoggedRun>> _startOrder = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Media.ScreenshotWriter _screenshots;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fatal;
    private volatile bool _disposed;

    /// <summary>Creates the sink; nothing is written or sent before the first command, <see cref="Recover"/> or <see cref="SyncAsync"/>.</summary>
    /// <param name="options">Where the logs go.</param>
    /// <param name="connection">The W&amp;B connection the logs are shipped to (its <see cref="WandbConnection.TimeProvider"/> drives windows, retries and heartbeats); <c>null</c> = offline.</param>
    /// <param name="ownsConnection">Dispose the connection with the sink.</param>
    public RunLogSink(RunLogSinkOptions options, WandbConnection? connection = null, bool ownsConnection = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RowsPerRequest, 1);
        Connection = connection;
        _options = options;
        _ownsConnection = ownsConnection;
        _logger = connection?.LoggerFactory.CreateLogger<RunLogSink>() ?? NullLogger<RunLogSink>.Instance;
        Layout = new OfflineLayout(options.RootDirectory, options.TimeZone);
        _screenshots = new Media.ScreenshotWriter(options);
        _writerOptions = new RunLogWriterOptions { Entity = options.Entity, Project = options.Project, Durable = options.Durable, Attributes = options.Attributes, LabelAs = options.LabelAs };
    }

    /// <summary>The W&amp;B connection the logs are shipped to; <c>null</c> when offline.</summary>
    public WandbConnection? Connection { get; }

    /// <summary>Whether the logs are shipped to W&amp;B.</summary>
    public bool IsOnline => Connection is not null;

    /// <summary>Where the run logs are.</summary>
    public OfflineLayout Layout { get; }

    /// <summary>Every run folder this sink has written to or shipped, in the order first used.</summary>
    public IReadOnlyList<string> RunFolders
    {
        get
        {
            lock (_gate)
            {
                return [.. _folders];
            }
        }
    }

    /// <summary>History rows the shippers hold in memory right now (at most one request per run being sent).</summary>
    public long PendingRows
    {
        get
        {
            lock (_gate)
            {
                return _runs.Values.Sum(r => (long)(r.Shipper?.PendingRows ?? 0));
            }
        }
    }

    /// <summary>Whether every record in every log this sink ships is acknowledged by W&amp;B (always true offline).</summary>
    public bool IsDrained
    {
        get
        {
            lock (_gate)
            {
                return _runs.Values.All(r => r.Shipper?.CaughtUp ?? true);
            }
        }
    }

    /// <summary>Whether every shipper has delivered its log and sleeps until the log grows or a heartbeat is due (always true offline).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _runs.Values.All(r => r.Shipper is not { } s || (s.CaughtUp && s.Parked) || s.Failure is not null);
            }
        }
    }

    /// <summary>The folders of runs whose logs hold records W&amp;B has not acknowledged (none offline).</summary>
    public IReadOnlyList<string> UndeliveredRuns
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs.Values.Where(r => r.Shipper is { CaughtUp: false }).Select(r => r.Folder.Path)];
            }
        }
    }

    /// <summary>The entity and project W&amp;B put a run in, once its shipper has started it.</summary>
    /// <param name="runId">The run id.</param>
    public (string? Entity, string? Project)? Location(string runId)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(runId, out var run) && run.Shipper?.Project is not null ? (run.Shipper.Entity, run.Shipper.Project) : null;
        }
    }

    /// <summary>The folder a run's log is in, once it was started or recovered here.</summary>
    /// <param name="runId">The run id.</param>
    public string? FolderOf(string runId)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(runId, out var run) ? run.Folder.Path : null;
        }
    }

    /// <summary>
    /// Online: finds the online run logs (<c>wandb/run-…</c>) not marked <c>.synced</c> (a crashed or cut-short
    /// process left them) and starts shipping what of them is not acknowledged. Offline: nothing.
    /// </summary>
    /// <returns>The run ids found.</returns>
    public IReadOnlyList<string> Recover() =>
        IsOnline ? Ship(Layout.FindRunFolders().Where(f => !f.IsOffline)) : [];

    /// <summary>
    /// Ships the given run logs with the same shipper as live runs (what W&amp;B acknowledged is not sent
    /// again), finishes the ones left unfinished, waits until each is acknowledged or has failed, and
    /// marks each delivered one <c>.synced</c>: what <c>rxfactorio sync</c> does.
    /// </summary>
    /// <param name="logFiles">The <c>run-&lt;id&gt;.wandb</c> files (see <see cref="OfflineLayout.FindLogs"/>).</param>
    /// <param name="cancellationToken">Stops waiting; what was acknowledged stays acknowledged.</param>
    /// <returns>One result per log, in order.</returns>
    /// <exception cref="InvalidOperationException">The sink is offline.</exception>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    internal async Task<IReadOnlyList<RunLogUploadResult>> SyncAsync(IReadOnlyList<string> logFiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logFiles);
        if (!IsOnline)
        {
            throw new InvalidOperationException("An offline run-log sink cannot sync: it has no W&B connection.");
        }
        var results = new RunLogUploadResult?[logFiles.Count];
        var shipped = new List<(int Index, RunFolder Folder)>();
        for (var i = 0; i < logFiles.Count; i++)
        {
            var log = logFiles[i];
            if (SyncedMarker.IsSynced(log))
            {
                results[i] = new RunLogUploadResult(log, "", RunLogUploadOutcome.AlreadySynced, 0, null, null, null);
                continue;
            }
            var runId = Path.GetFileNameWithoutExtension(log) is { } name && name.StartsWith("run-", StringComparison.Ordinal) ? name[4..] : null;
            if (!OfflineLayout.IsValidRunId(runId))
            {
                results[i] = new RunLogUploadResult(log, "", RunLogUploadOutcome.Unreadable, 0, null, null, "not a run-<id>.wandb file");
                continue;
            }
            if (ForeignWriter(log) is { } writer)
            {
                // NOTE: rxfactorio's model holds numbers per key; a W&B SDK log may hold strings, nested values,
                // media and no exit record. Refused whole rather than uploaded with parts invented or dropped.
                results[i] = new RunLogUploadResult(log, runId!, RunLogUploadOutcome.Refused, 0, null, null,
                    $"written by {writer}, not by rxfactorio: nothing was sent; upload this file with W&B's own `wandb sync`, which keeps all of it");
                continue;
            }
            var folder = new RunFolder(Path.GetDirectoryName(Path.GetFullPath(log))!, runId!);
            if (Ship([folder]).Count == 0)
            {
                results[i] = new RunLogUploadResult(log, runId!, RunLogUploadOutcome.Unreadable, 0, null, null, "the log holds no run record, or cannot be read");
                continue;
            }
            shipped.Add((i, folder));
        }
        await CompleteAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        foreach (var (index, folder) in shipped)
        {
            LoggedRun run;
            lock (_gate)
            {
                run = _runs[folder.RunId];
            }
            var shipper = run.Shipper!;
            var outcome = shipper.Failure is null && shipper.CaughtUp && !shipper.StoppedOnServer ? RunLogUploadOutcome.Synced : RunLogUploadOutcome.Failed;
            var problem = shipper.Failure ?? (shipper.StoppedOnServer ? $"the server stopped run {folder.RunId}" : shipper.CaughtUp ? shipper.Damage : "not everything was acknowledged");
            results[index] = new RunLogUploadResult(logFiles[index], folder.RunId, outcome, shipper.RowsSent, shipper.Entity, shipper.Project, problem);
        }
        return [.. results.Select(r => r!)];
    }

    private static string? ForeignWriter(string log)
    {
        try
        {
            return RunLogReader.ForeignWriter(log);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null; // NOTE: unreadable logs are reported by Ship, with the reason.
        }
    }

    /// <inheritdoc />
    /// <exception cref="IOException">The log or a checkpoint cannot be written; the message names the path.</exception>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key (found by a shipper).</exception>
    public ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfFatal();
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                // NOTE: checked again under the lock: DisposeAsync closes the logs under it, and a
                // command that got past the first check must not reopen a log after that.
                ObjectDisposedException.ThrowIf(_disposed, this);
                command.Dispatch(Start, Log, Finish);
                Checkpoint(command);
            }
            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>
    /// The clean end: finishes the recovered runs no source continued (writes their exit), then
    /// waits up to <paramref name="timeout"/> (on the connection's clock) for every log to be acknowledged.
    /// </summary>
    /// <param name="timeout">How long to wait for W&amp;B (<see cref="Timeout.InfiniteTimeSpan"/>: until done).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when everything is acknowledged (always offline); false when some rows still wait in a log (see <see cref="UndeliveredRuns"/>).</returns>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    /// <exception cref="IOException">A log could not be written or read; the message names the path.</exception>
    public async Task<bool> CompleteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var run in _runs.Values.Where(r => r.RecoveredUnfinished && r.Writer is null))
            {
                FinishRecovered(run);
            }
        }
        return await DrainAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits up to <paramref name="timeout"/> (on the connection's clock) until every log is acknowledged or its run has failed for good.</summary>
    /// <param name="timeout">How long to wait (<see cref="Timeout.InfiniteTimeSpan"/>: until done).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when everything is acknowledged.</returns>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    /// <exception cref="IOException">A log could not be read; the message names the path.</exception>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Connection is null)
        {
            return true;
        }
        var time = Connection.TimeProvider;
        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : time.GetUtcNow() + timeout;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            ThrowIfFatal();
            Task changed;
            lock (_gate)
            {
                if (_runs.Values.All(r => r.Shipper is not { } s || s.CaughtUp || s.Failure is not null))
                {
                    return _runs.Values.All(r => r.Shipper?.CaughtUp ?? true);
                }
                changed = _changed.Task;
            }
            var remaining = deadline == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : deadline - time.GetUtcNow();
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
            {
                return false;
            }
            await Task.WhenAny(changed, Task.Delay(remaining, time, stop.Token)).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>Stops the shippers (what is not acknowledged stays in the logs), closes open logs, and disposes the connection if owned.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        LoggedRun[] runs;
        lock (_gate)
        {
            runs = [.. _runs.Values];
        }
        foreach (var run in runs)
        {
            if (run.Shipper is { } shipper)
            {
                await shipper.StopAsync().ConfigureAwait(false);
            }
        }
        // NOTE: under the lock: after an abort the pump may still be inside HandleAsync, writing.
        lock (_gate)
        {
            foreach (var run in runs)
            {
                run.Writer?.Dispose();
                run.Writer = null;
            }
        }
        _stopping.Dispose();
        if (_ownsConnection)
        {
            Connection?.Dispose();
        }
    }

    internal void Fail(Exception error)
    {
        Interlocked.CompareExchange(ref _fatal, error, null);
        NotifyChanged();
    }

    internal void NotifyChanged()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>
    /// Waits until every run its source started before <paramref name="run"/> is delivered and finished
    /// on W&amp;B (or given up), so W&amp;B, which lists runs by creation time, lists a source's runs in the
    /// order they started, and a session change completes the old run before the new one is created.
    /// </summary>
    internal async Task WaitForTurnAsync(LoggedRun run, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (run.Source is null || !_startOrder.TryGetValue(run.Source, out var order)
                    || order.TakeWhile(r => r != run).All(r => r.Shipper is not { } s || (s.Created && s.FinishedOnServer) || s.Failure is not null || s.StoppedOnServer))
                {
                    return;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private DateTimeOffset Now => _options.Clock?.Now ?? DateTimeOffset.UtcNow;

    /// <summary>Starts shipping the logs of these folders (not already known), reading each one's state first.</summary>
    private List<string> Ship(IEnumerable<RunFolder> folders)
    {
        var found = new List<string>();
        foreach (var folder in folders)
        {
            if (SyncedMarker.IsSynced(folder.LogFile))
            {
                continue;
            }
            RunLogContents scan;
            try
            {
                scan = RunLogReader.Scan(folder.LogFile);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogUnreadable(_logger, folder.LogFile, ex.Message);
                continue;
            }
            if (scan.RunId is null)
            {
                continue;
            }
            lock (_gate)
            {
                if (_runs.ContainsKey(folder.RunId))
                {
                    continue;
                }
                var run = Add(folder);
                run.RecoveredUnfinished = !scan.IsFinished;
                run.Shipper?.Signal();
            }
            LogRecovered(_logger, folder.RunId, scan.IsFinished ? "finished" : "unfinished", folder.Path);
            found.Add(folder.RunId);
        }
        return found;
    }

    private LoggedRun Add(RunFolder folder)
    {
        var run = new LoggedRun(folder);
        if (Connection is not null)
        {
            run.Shipper = new RunLogShipper(this, Connection, run, _options, _logger, _stopping.Token);
        }
        _runs.Add(folder.RunId, run);
        _folders.Add(folder.Path);
        run.Shipper?.Start();
        return run;
    }

    private void Start(StartRun start)
    {
        var id = start.Run.RunId;
        OfflineLayout.ValidateRunId(id);
        if (_runs.TryGetValue(id, out var run) && run.Writer is not null)
        {
            return;
        }
        var folder = run?.Folder ?? (start.Resumed ? Layout.FindRunFolder(id) : null);
        RunLogWriter writer;
        if (folder is not null && File.Exists(folder.LogFile))
        {
            writer = RunLogWriter.Continue(folder.LogFile, _writerOptions);
        }
        else
        {
            var now = Now;
            folder = Layout.CreateRunFolder(id, now, offline: !IsOnline);
            writer = RunLogWriter.Create(folder.LogFile, _writerOptions);
            try
            {
                writer.WriteRun(start.Run, now);
                writer.Flush();
                RunFiles.WriteConfig(folder, start.Run.Config.Select(c => new KeyValuePair<string, string>(c.Key, RunLogJson.Value(c.Value is string s ? RunLogJson.WellFormed(s) : c.Value))));
                RunFiles.WriteMetadata(folder, RunMetadata.Json(start.Run, now, _options.CommandLine, _options.Attributes.Host));
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            Layout.PointLatestRunAt(folder);
        }
        if (run is null)
        {
            run = Add(folder);
            run.Source = start.Run.Key.Source;
            if (!_startOrder.TryGetValue(run.Source, out var order))
            {
                _startOrder[run.Source] = order = [];
            }
            order.Add(run);
        }
        run.Writer = writer;
        run.WriterOpen = true;
        run.RecoveredUnfinished = false;
        foreach (var (key, json) in writer.Existing?.SummaryJson ?? new Dictionary<string, string>())
        {
            // A continued run's summary keeps its latest image until a new one comes.
            run.SummaryJson.TryAdd(key, json);
        }
        if (SyncedMarker.IsSynced(folder.LogFile))
        {
            // NOTE: after WriterOpen, so a shipper that marks the log synced meanwhile sees it open and clears its mark.
            SyncedMarker.Clear(folder.LogFile);
        }
        run.Shipper?.Signal();
        foreach (var old in _runs.Values.Where(r => !start.Resumed && r.RecoveredUnfinished && r.Writer is null && r.Folder.RunId != id
            && _options.RecoveredSources.GetValueOrDefault(r.Folder.RunId) == start.Run.Key.Source).ToList())
        {
            // A new run started on the source: the crashed process's runs there that did not resume end (the
            // run stage forgets them too), as a resting run ends when a new one starts on its source.
            FinishRecovered(old);
        }
    }

    private void Log(LogBatch batch)
    {
        var run = Open(batch);
        var writer = run.Writer!;
        foreach (var logged in batch.Rows)
        {
            // NOTE: the one place a screenshot is read: the I/O belongs here, before the row is written, not in the Rx stages.
            var row = _screenshots.Attach(run.Folder, batch.Run.Key.Source, logged);
            writer.WriteHistory(row);
            foreach (var json in row.JsonValues)
            {
                run.SummaryJson[json.Key] = json.Value;
            }
        }
        if (batch.LogLines.Length > 0)
        {
            var now = Now;
            for (var i = 0; i < batch.LogLines.Length; i++)
            {
                writer.WriteOutput(batch.LogLines[i], now, stderr: batch.ErrorLines.Contains(i));
            }
        }
        if (batch.Rows.Length > 0 || batch.Summary.Length > 0)
        {
            writer.WriteSummary(batch.Summary, run.SummaryJson);
        }
        writer.Flush();
        run.Shipper?.Signal(batch.Rows.Length);
        RunFiles.AppendOutput(run.Folder, batch.LogLines);
    }

    private void Finish(FinishRun finish)
    {
        var run = Open(finish);
        Close(run);
    }

    private void FinishRecovered(LoggedRun run)
    {
        run.Writer = RunLogWriter.Continue(run.Folder.LogFile, _writerOptions);
        run.WriterOpen = true;
        run.RecoveredUnfinished = false;
        LogFinishingRecovered(_logger, run.Folder.RunId);
        Close(run);
    }

    private void Close(LoggedRun run)
    {
        var writer = run.Writer!;
        try
        {
            writer.WriteExit(0);
            writer.WriteFinal();
            writer.Flush();
            if (!IsOnline)
            {
                // NOTE: online, the shipper rebuilds the files when it reaches the exit, then uploads them.
                // A log written whole here needs no second read: only one continued from an earlier process does.
                if (writer.Summary is { } summary)
                {
                    RunFiles.CompleteFromMemory(run.Folder, summary);
                }
                else
                {
                    RunFiles.RebuildFromLog(run.Folder);
                }
            }
        }
        finally
        {
            writer.Dispose();
            run.Writer = null;
            run.WriterOpen = false;
            run.Shipper?.Signal();
        }
    }

    private LoggedRun Open(RunCommand command) =>
        _runs.TryGetValue(command.Run.RunId, out var run) && run.Writer is not null
            ? run
            : throw new InvalidOperationException($"Run {command.Run.RunId} got a {command.GetType().Name} before its StartRun (or after its FinishRun).");

    private void Checkpoint(RunCommand command)
    {
        if (command.Mark is { } mark && _options.Checkpoints.TryGetValue(mark.Source, out var store))
        {
            store.Save(mark, command.Run.RunId, Now, command.Run.SessionId);
        }
    }

    private void ThrowIfFatal()
    {
        if (Volatile.Read(ref _fatal) is { } fatal)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fatal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run log {LogFile} cannot be read, so it is not sent: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string logFile, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipping {State} run {RunId} from {Folder}: sending what wandb has not acknowledged")]
    private static partial void LogRecovered(ILogger logger, string runId, string state, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finishing recovered run {RunId}: its source did not continue it")]
    private static partial void LogFinishingRecovered(ILogger logger, string runId);

    /// <summary>One run's log: its folder, its writer while the run is open, and its shipper (online).</summary>
    internal sealed class LoggedRun(RunFolder folder)
    {
        private volatile bool _writerOpen;

        public RunFolder Folder { get; } = folder;

        public RunLogWriter? Writer { get; set; }

        /// <summary>Whether a writer appends to the log (a record at its end may be half written).</summary>
        public bool WriterOpen
        {
            get => _writerOpen;
            set => _writerOpen = value;
        }

        /// <summary>Left unfinished by a crashed process (or handed to sync unfinished) and not continued yet.</summary>
        public bool RecoveredUnfinished { get; set; }

        /// <summary>The latest value of each key that is not a number (the run's latest image), as JSON, for its summary.</summary>
        public Dictionary<string, string> SummaryJson { get; } = new(StringComparer.Ordinal);

        public RunLogShipper? Shipper { get; set; }

        /// <summary>The source that started the run in this process (for creation order); <c>null</c> for a recovered log.</summary>
        public string? Source { get; set; }
    }
}
