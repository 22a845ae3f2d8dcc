using Microsoft.Extensions.Logging;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// The online sink that loses nothing: every command is first appended to the run's W&amp;B
/// transaction log (<c>&lt;dir&gt;/wandb/run-YYYYMMDD_HHMMSS-&lt;id&gt;/run-&lt;id&gt;.wandb</c>) and
/// flushed, and only then does <see cref="HandleAsync"/> return; a sender per run reads what is not
/// acknowledged yet FROM THE LOG and streams it to W&amp;B in order, saving
/// <see cref="RunLogAck"/> after every acknowledged request. So when W&amp;B is slow or down, rows wait
/// on disk, not in memory: a sender holds at most <see cref="LoggedWandbSinkOptions.RowsPerRequest"/>
/// rows (<see cref="PendingRows"/>), however long the log grows.
/// <para>
/// After a crash, <see cref="Recover"/> finds the online run logs that are not marked
/// <c>.synced</c> and continues sending them from their ack state, under the same run ids, at the
/// same file_stream offsets (a line W&amp;B already took in is replaced, not duplicated, §3).
/// At the end, <see cref="CompleteAsync"/> finishes recovered runs nobody continued and waits
/// (bounded) for the senders; what is not acknowledged by then stays in the log for the next
/// start or <c>rxfactorio sync</c>.
/// </para>
/// <para>
/// Failures: a refused key (<see cref="WandbAuthenticationException"/>) or a disk error (an
/// <see cref="IOException"/> naming the path) fails the next <see cref="HandleAsync"/> and
/// <see cref="CompleteAsync"/>. A request that fails for good otherwise is retried after
/// <see cref="LoggedWandbSinkOptions.RetryFailedRunAfter"/>; nothing is dropped.
/// </para>
/// </summary>
public sealed partial class LoggedWandbSink : IRunSink, IAsyncDisposable
{
    private readonly LoggedWandbSinkOptions _options;
    private readonly RunLogWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;
    private readonly Dictionary<string, LoggedRun> _runs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fatal;
    private volatile bool _disposed;

    /// <summary>Creates the sink; nothing is written or sent before the first command or <see cref="Recover"/>.</summary>
    /// <param name="connection">The W&amp;B connection (its <see cref="WandbConnection.TimeProvider"/> drives retries and heartbeats).</param>
    /// <param name="options">Where the logs go.</param>
    /// <param name="ownsConnection">Dispose the connection with the sink.</param>
    public LoggedWandbSink(WandbConnection connection, LoggedWandbSinkOptions options, bool ownsConnection = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RowsPerRequest, 1);
        Connection = connection;
        _options = options;
        _ownsConnection = ownsConnection;
        _logger = connection.LoggerFactory.CreateLogger<LoggedWandbSink>();
        Layout = new OfflineLayout(options.RootDirectory, options.TimeZone);
        _writerOptions = new RunLogWriterOptions { Entity = options.Entity, Project = options.Project, Durable = options.Durable };
    }

    /// <summary>The W&amp;B connection.</summary>
    public WandbConnection Connection { get; }

    /// <summary>Requests, retries, rows sent (and dropped: only when a run is stopped in the W&amp;B UI).</summary>
    public WandbCounters Counters => Connection.Counters;

    /// <summary>Where the run logs are.</summary>
    public OfflineLayout Layout { get; }

    /// <summary>History rows the senders hold in memory right now (at most one batch per run being sent).</summary>
    public long PendingRows
    {
        get
        {
            lock (_gate)
            {
                return _runs.Values.Sum(r => (long)r.Sender.PendingRows);
            }
        }
    }

    /// <summary>Whether every record in every log this sink knows is acknowledged by W&amp;B.</summary>
    public bool IsDrained
    {
        get
        {
            lock (_gate)
            {
                return _runs.Values.All(r => r.Sender.CaughtUp);
            }
        }
    }

    /// <summary>The folders of runs whose logs hold records W&amp;B has not acknowledged.</summary>
    public IReadOnlyList<string> UndeliveredRuns
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs.Values.Where(r => !r.Sender.CaughtUp).Select(r => r.Folder.Path)];
            }
        }
    }

    /// <summary>The entity and project W&amp;B put a run in, once its sender has started it.</summary>
    /// <param name="runId">The run id.</param>
    public (string? Entity, string? Project)? Location(string runId)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(runId, out var run) && run.Sender.Project is not null ? (run.Sender.Entity, run.Sender.Project) : null;
        }
    }

    /// <summary>
    /// Finds the online run logs (<c>wandb/run-…</c>) not marked <c>.synced</c> (a crashed or cut-short
    /// process left them) and starts sending what of them is not acknowledged.
    /// </summary>
    /// <returns>The run ids found.</returns>
    public IReadOnlyList<string> Recover()
    {
        var found = new List<string>();
        foreach (var folder in Layout.FindRunFolders())
        {
            if (folder.IsOffline || SyncedMarker.IsSynced(folder.LogFile))
            {
                continue;
            }
            RunLogContents scan;
            try
            {
                scan = RunLogReader.Scan(folder.LogFile);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
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
                run.Sender.Signal();
            }
            LogRecovered(_logger, folder.RunId, scan.IsFinished ? "finished" : "unfinished", folder.Path);
            found.Add(folder.RunId);
        }
        return found;
    }

    /// <inheritdoc />
    /// <exception cref="IOException">The log or a checkpoint cannot be written; the message names the path.</exception>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key (found by a sender).</exception>
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
    /// <param name="timeout">How long to wait for W&amp;B.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when everything is acknowledged; false when some rows still wait in a log (see <see cref="UndeliveredRuns"/>).</returns>
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

    /// <summary>Waits up to <paramref name="timeout"/> (on the connection's clock) until every log is acknowledged.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when everything is acknowledged.</returns>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    /// <exception cref="IOException">A log could not be read; the message names the path.</exception>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var time = Connection.TimeProvider;
        var deadline = time.GetUtcNow() + timeout;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            ThrowIfFatal();
            Task changed;
            lock (_gate)
            {
                if (_runs.Values.All(r => r.Sender.CaughtUp))
                {
                    return true;
                }
                changed = _changed.Task;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
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

    /// <summary>Stops the senders (what is not acknowledged stays in the logs), closes open logs, and disposes the connection if owned.</summary>
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
            await run.Sender.StopAsync().ConfigureAwait(false);
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
            Connection.Dispose();
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

    private DateTimeOffset Now => _options.Clock?.Now ?? DateTimeOffset.UtcNow;

    private LoggedRun Add(RunFolder folder)
    {
        var run = new LoggedRun(folder);
        run.Sender = new RunSender(this, run, _options, _logger, _stopping.Token);
        _runs.Add(folder.RunId, run);
        run.Sender.Start();
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
            folder = Layout.CreateRunFolder(id, now, offline: false);
            writer = RunLogWriter.Create(folder.LogFile, _writerOptions);
            try
            {
                writer.WriteRun(start.Run, now);
                writer.Flush();
                RunFiles.WriteConfig(folder, start.Run.Config);
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            Layout.PointLatestRunAt(folder);
        }
        run ??= Add(folder);
        run.Writer = writer;
        run.WriterOpen = true;
        run.RecoveredUnfinished = false;
        if (SyncedMarker.IsSynced(folder.LogFile))
        {
            // NOTE: after WriterOpen, so a sender that marks the log synced meanwhile sees it open and clears its mark.
            SyncedMarker.Clear(folder.LogFile);
        }
        run.Sender.Signal();
        foreach (var old in _runs.Values.Where(r => r.RecoveredUnfinished && r.Writer is null && r.Folder.RunId != id
            && _options.RecoveredSources.GetValueOrDefault(r.Folder.RunId) == start.Run.Key.Source).ToList())
        {
            // The source went on with another run: the crashed process's run there ends, as a session change would end it.
            FinishRecovered(old);
        }
    }

    private void Log(LogBatch batch)
    {
        var run = Open(batch);
        var writer = run.Writer!;
        foreach (var row in batch.Rows)
        {
            writer.WriteHistory(row);
        }
        if (batch.LogLines.Length > 0)
        {
            var now = Now;
            foreach (var line in batch.LogLines)
            {
                writer.WriteOutput(line, now);
            }
        }
        if (batch.Rows.Length > 0 || batch.Summary.Length > 0)
        {
            writer.WriteSummary(batch.Summary);
        }
        writer.Flush();
        run.Sender.Signal();
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

    private static void Close(LoggedRun run)
    {
        var writer = run.Writer!;
        try
        {
            writer.WriteExit(0);
            writer.WriteFinal();
            writer.Flush();
        }
        finally
        {
            writer.Dispose();
            run.Writer = null;
            run.WriterOpen = false;
            run.Sender.Signal();
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
            store.Save(mark, command.Run.RunId, Now);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {State} run {RunId} from {Folder}: sending what wandb has not acknowledged")]
    private static partial void LogRecovered(ILogger logger, string runId, string state, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finishing recovered run {RunId}: its source did not continue it")]
    private static partial void LogFinishingRecovered(ILogger logger, string runId);

    /// <summary>One run's log: its folder, its writer while the run is open, and its sender.</summary>
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

        /// <summary>Left unfinished by a crashed process and not continued yet.</summary>
        public bool RecoveredUnfinished { get; set; }

        public RunSender Sender { get; set; } = null!;
    }
}
