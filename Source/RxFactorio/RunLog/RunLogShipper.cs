using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RxFactorio.Diagnostics;
using RxFactorio.RunLog.Proto;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// Streams one run's log to W&amp;B, live, after a restart and for <c>sync</c> alike: reads the
/// records after the acknowledged ones, at most one request at a time, sends them in order, saves
/// <see cref="RunLogAck"/> after each acknowledged request, and sleeps until the log grows (or a
/// heartbeat is due). Rows gather in the log for up to <see cref="RunLogSinkOptions.SendWindow"/>
/// (or until a request is full) before they go. An exit record finishes the run on W&amp;B; records
/// after it (the run resumed) start it again under the same id. Run files (<see cref="RunFiles"/>) go up
/// with <see cref="RunFilesUploader"/>: metadata and config once the run exists, all four at its exit.
/// </summary>
internal sealed partial class RunLogShipper
{
    private readonly RunLogSink _sink;
    private readonly WandbConnection _connection;
    private readonly RunFilesUploader _files;
    private readonly RunLogSink.LoggedRun _run;
    private readonly RunLogSinkOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _dirty = true;
    private bool _caughtUp;
    private int _pendingRows;
    private Task _loop = Task.CompletedTask;
    private RunLogAck _ack = new();
    private long _readOffset;
    private RunInfo? _runInfo;
    private TelemetryRecord? _telemetry;
    private readonly List<MetricRecord> _definitions = [];
    private readonly HistoryRecordDecoder _historyDecoder = new();
    private WandbRunClient? _client;
    private bool _started;
    private bool _stoppedOnServer;
    private bool _startFilesUploaded;
    private int _damageReported;

    private long _unread;
    private volatile bool _parked;
    private volatile bool _created;
    private long _rowsSent;

    public RunLogShipper(RunLogSink sink, WandbConnection connection, RunLogSink.LoggedRun run, RunLogSinkOptions options, ILogger logger, CancellationToken stopping)
    {
        _sink = sink;
        _connection = connection;
        _files = new RunFilesUploader(connection, logger);
        _run = run;
        _options = options;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>History rows read from the log and not acknowledged yet (in memory).</summary>
    public int PendingRows => Volatile.Read(ref _pendingRows);

    /// <summary>Whether everything in the log is acknowledged (and nothing new was signalled since).</summary>
    public bool CaughtUp
    {
        get
        {
            lock (_gate)
            {
                return _caughtUp && !_dirty;
            }
        }
    }

    /// <summary>History rows W&amp;B acknowledged from this log in this process.</summary>
    public long RowsSent => Interlocked.Read(ref _rowsSent);

    /// <summary>Why the run was given up (only without <see cref="RunLogSinkOptions.RetryFailedRunAfter"/>); <c>null</c> while it was not.</summary>
    public string? Failure { get; private set; }

    /// <summary>Whether the run was stopped in the W&amp;B UI (the rest of its log is not sent).</summary>
    public bool StoppedOnServer => _stoppedOnServer;

    /// <summary>What damage was found in the log, if any.</summary>
    public string? Damage { get; private set; }

    public string? Entity { get; private set; }

    public string? Project { get; private set; }

    private string LogFile => _run.Folder.LogFile;

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>The log grew by <paramref name="rows"/> history rows (or the run closed): read it again.</summary>
    public void Signal(int rows = 0)
    {
        Interlocked.Add(ref _unread, rows);
        TaskCompletionSource wake;
        lock (_gate)
        {
            _dirty = true;
            _caughtUp = false;
            wake = _wake;
        }
        wake.TrySetResult();
    }

    public async Task StopAsync()
    {
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync()
    {
        try
        {
            _ack = RunLogAck.Load(LogFile);
        }
        catch (IOException ex)
        {
            _sink.Fail(ex);
            return;
        }
        _readOffset = _ack.LogOffset;
        _started = _ack.RecordNum > 0;
        var time = _connection.TimeProvider;
        while (!_stopping.IsCancellationRequested)
        {
            if (!await GatherAsync(time).ConfigureAwait(false))
            {
                return;
            }
            Task wake;
            lock (_gate)
            {
                _dirty = false;
                wake = _wake.Task;
            }
            bool progressed;
            try
            {
                progressed = await PassAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (WandbAuthenticationException ex)
            {
                _sink.Fail(ex);
                return;
            }
            catch (WandbRequestException ex)
            {
                Volatile.Write(ref _pendingRows, 0);
                _client = null;
                if (_options.RetryFailedRunAfter is not { } retryAfter)
                {
                    Failure = ex.Message;
                    LogGivenUp(_logger, _run.Folder.RunId, ex.Message);
                    _sink.NotifyChanged();
                    return;
                }
                LogFailed(_logger, _run.Folder.RunId, ex.Message, retryAfter);
                if (!await DelayAsync(retryAfter, time).ConfigureAwait(false))
                {
                    return;
                }
                continue;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                _sink.Fail(ex is IOException ? ex : new IOException($"Cannot send the run log '{LogFile}': {ex.Message}", ex));
                return;
            }
            if (progressed)
            {
                continue;
            }
            lock (_gate)
            {
                if (_dirty)
                {
                    continue;
                }
                _caughtUp = true;
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _wake.Task;
            }
            MarkSyncedIfDone();
            _sink.NotifyChanged();
            await WaitAsync(wake, time).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The <c>Buffer</c> of what is sent: while the run is being written and fewer rows than a full
    /// request wait unread, lets them gather for up to <see cref="RunLogSinkOptions.SendWindow"/>.
    /// False when the shipper is stopped.
    /// </summary>
    private async Task<bool> GatherAsync(TimeProvider time)
    {
        if (_options.SendWindow <= TimeSpan.Zero || !Gathering)
        {
            return true;
        }
        var deadline = time.GetUtcNow() + _options.SendWindow;
        while (Gathering)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }
            Task wake;
            lock (_gate)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                wake = _wake.Task;
            }
            if (!Gathering)
            {
                return true;
            }
            try
            {
                await Task.WhenAny(wake, Task.Delay(remaining, time, _stopping)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            if (_stopping.IsCancellationRequested)
            {
                return false;
            }
        }
        return true;
    }

    private bool Gathering => _run.WriterOpen && Interlocked.Read(ref _unread) is > 0 and var unread && unread < _options.RowsPerRequest;

    /// <summary>Whether this shipper has created (or resumed) its run on W&amp;B.</summary>
    public bool Created
    {
        get => _created;
        private set => _created = value;
    }

    /// <summary>Whether the log's exit is acknowledged: the run is finished on W&amp;B (until the log grows again).</summary>
    public bool FinishedOnServer => Volatile.Read(ref _ack).Finished && CaughtUp;

    /// <summary>Whether the shipper has nothing to do and sleeps (its heartbeat timer, if any, is set).</summary>
    public bool Parked => _parked;

    /// <summary>Sleeps until signalled; while the run is live on W&amp;B, wakes for heartbeats.</summary>
    private async Task WaitAsync(Task wake, TimeProvider time)
    {
        var interval = _connection.Options.HeartbeatInterval;
        while (!_stopping.IsCancellationRequested && !wake.IsCompleted)
        {
            if (_client is not { State: WandbRunState.Running } client)
            {
                var forever = Task.Delay(Timeout.Infinite, _stopping);
                _parked = true;
                await Task.WhenAny(wake, forever).ConfigureAwait(false);
                _parked = false;
                return;
            }
            var beat = Task.Delay(interval, time, _stopping);
            _parked = true;
            var woken = await Task.WhenAny(wake, beat).ConfigureAwait(false) == wake;
            _parked = false;
            if (woken || _stopping.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await client.HeartbeatIfIdleAsync(interval, _stopping).ConfigureAwait(false);
            }
            catch (WandbAuthenticationException ex)
            {
                _sink.Fail(ex);
                return;
            }
            catch (Exception ex) when (ex is WandbRequestException or OperationCanceledException)
            {
                // A failed heartbeat fails the client; the next batch starts a new one.
                _client = null;
                return;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, TimeProvider time)
    {
        try
        {
            await Task.Delay(delay, time, _stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void MarkSyncedIfDone()
    {
        if (!_ack.Finished || _run.WriterOpen)
        {
            return;
        }
        try
        {
            SyncedMarker.Mark(LogFile);
            if (_run.WriterOpen)
            {
                // The run was resumed meanwhile: its log is growing again.
                SyncedMarker.Clear(LogFile);
            }
        }
        catch (IOException ex)
        {
            LogMarkFailed(_logger, ex.Message);
        }
    }

    /// <summary>Reads and sends the next batch of unacknowledged records. False when there was nothing to read.</summary>
    private async Task<bool> PassAsync()
    {
        _runInfo ??= ReadRunInfo();
        if (_runInfo is null)
        {
            return false;
        }
        // NOTE: the rows' lines are escaped into pooled memory as they are read; their values are not kept.
        using var history = new HistoryLineBatch(_connection.Options);
        var mediaRows = new List<HistoryRow>();
        var lines = new List<string>();
        var errorLines = ImmutableHashSet.CreateBuilder<int>();
        ImmutableArray<KeyValuePair<string, double>>? summary = null;
        ImmutableArray<KeyValuePair<string, string>> summaryJson = [];
        int? exitCode = null;
        var lastNum = _ack.RecordNum;
        var lastEnd = _readOffset;
        var advanced = false;
        _historyDecoder.ForgetKeys();
        using (var reader = LevelDbLogReader.OpenAt(LogFile, _readOffset))
        {
            foreach (var log in reader.ReadRecords())
            {
                // NOTE: history records (nearly all of a log) are decoded from their bytes; anything else is parsed.
                Record? record = null;
                if (!_historyDecoder.TryDecodeLine(log.Payload, out var num, out var fields, out var line))
                {
                    if ((record = RunLogReader.TryParse(log.Payload)) is null)
                    {
                        continue;
                    }
                    num = record.Num;
                }
                var kind = record?.RecordTypeCase ?? Record.RecordTypeOneofCase.History;
                if (reader.Report.Damage.Count > 0)
                {
                    if (_run.WriterOpen)
                    {
                        // NOTE: most likely a record being written right now: read it next time.
                        break;
                    }
                    if (_damageReported < reader.Report.Damage.Count)
                    {
                        _damageReported = reader.Report.Damage.Count;
                        Damage = reader.Report.ToString();
                        LogDamaged(_logger, LogFile, reader.Report.ToString());
                    }
                }
                if (num != 0 && num <= _ack.RecordNum)
                {
                    lastEnd = log.End;
                    advanced = true;
                    continue;
                }
                var full = false;
                switch (kind)
                {
                    case Record.RecordTypeOneofCase.History when history.Rows >= _options.RowsPerRequest:
                    case Record.RecordTypeOneofCase.OutputRaw or Record.RecordTypeOneofCase.Output when lines.Count >= 4 * _options.RowsPerRequest:
                        full = true;
                        break;
                    case Record.RecordTypeOneofCase.History when record is null:
                        // The line from the log's own bytes (not parsed and formatted again).
                        history.Add(line, fields);
                        if (_historyDecoder.KeysChanged)
                        {
                            history.AddKeys(_historyDecoder.Keys);
                        }
                        break;
                    case Record.RecordTypeOneofCase.History:
                        // A record the decoder leaves to the parser (e.g. with an image): its line is written from its row.
                        var row = RunLogReader.ToRow(record.History);
                        history.Add(row);
                        if (!row.JsonValues.IsDefaultOrEmpty)
                        {
                            mediaRows.Add(row);
                        }
                        break;
                    case Record.RecordTypeOneofCase.OutputRaw:
                        AddLines(lines, errorLines, record!.OutputRaw.Line, RunLogReader.IsStderr(record.OutputRaw));
                        break;
                    case Record.RecordTypeOneofCase.Output:
                        AddLines(lines, errorLines, record!.Output.Line, RunLogReader.IsStderr(record.Output));
                        break;
                    case Record.RecordTypeOneofCase.Summary:
                        (summary, summaryJson) = Summary(record!.Summary);
                        break;
                    case Record.RecordTypeOneofCase.Exit:
                        exitCode = record!.Exit.ExitCode;
                        break;
                    case Record.RecordTypeOneofCase.Metric when !_definitions.Contains(record!.Metric):
                        // A definition written later (e.g. with a resumed run's record): the next config update carries it.
                        _definitions.Add(record.Metric);
                        _client?.Metrics.Define(record.Metric);
                        break;
                }
                if (full)
                {
                    break;
                }
                lastNum = Math.Max(lastNum, num);
                lastEnd = log.End;
                advanced = true;
                if (exitCode is not null)
                {
                    break;
                }
            }
        }
        if (!advanced)
        {
            return false;
        }

        var hasData = history.Rows > 0 || lines.Count > 0 || summary is not null;
        if ((hasData || exitCode is not null) && !_stoppedOnServer)
        {
            Volatile.Write(ref _pendingRows, history.Rows);
            var client = await StartedClientAsync(history.Keys, uploadStartFiles: exitCode is null).ConfigureAwait(false);
            if (hasData)
            {
                var batch = new LogBatch { Run = _runInfo, LogLines = [.. lines], ErrorLines = errorLines.ToImmutable(), Summary = summary ?? [], SummaryJson = summaryJson };
                if (!await client.SendAsync(batch, history, _stopping).ConfigureAwait(false))
                {
                    if (client.State != WandbRunState.Stopped)
                    {
                        throw new WandbRequestException("file_stream", _connection.Options.NetLocation, null, null,
                            $"W&B run {_runInfo.RunId} could not be sent ({client.State})");
                    }
                    _stoppedOnServer = true;
                    LogStopped(_logger, _runInfo.RunId);
                }
                else
                {
                    Interlocked.Add(ref _rowsSent, history.Rows);
                    if (Media.ScreenshotWriter.MediaFiles(mediaRows) is { Count: > 0 } media)
                    {
                        // NOTE: the PNGs go up as run files once the rows that name them are sent (W&B resolves an image's path against the run's files).
                        client.AddUploaded(await _files.UploadAsync(_run.Folder, client.Entity!, client.Project!, media, _stopping).ConfigureAwait(false));
                    }
                }
            }
            if (exitCode is { } code && client.State == WandbRunState.Running)
            {
                // NOTE: the files go before "complete", as wandb-core's sender finishes (core/internal/stream/sender.go).
                client.AddUploaded(await UploadFinishedFilesAsync(client).ConfigureAwait(false));
                await client.FinishAsync(code, _stopping).ConfigureAwait(false);
            }
            _ack = _ack with { HistoryLines = client.HistoryOffset, OutputLines = client.LogOffset };
            if (exitCode is not null)
            {
                // Records after the exit (the run resumed) start it again.
                _client = null;
            }
        }
        else if (hasData && _stoppedOnServer)
        {
            RxFactorioMeter.RowsDropped.Add(history.Rows);
        }
        _ack = _ack with
        {
            RunId = _runInfo.RunId,
            RecordNum = lastNum,
            LogOffset = lastEnd,
            LastStep = history.Last?.Step ?? _ack.LastStep,
            Finished = exitCode is not null || (!hasData && _ack.Finished),
            UpdatedAt = _connection.TimeProvider.GetUtcNow(),
        };
        _ack.Save(LogFile);
        _readOffset = lastEnd;
        if (Interlocked.Add(ref _unread, -history.Rows) < 0)
        {
            Interlocked.Exchange(ref _unread, 0);
        }
        Volatile.Write(ref _pendingRows, 0);
        return true;
    }

    /// <summary>
    /// At the run's exit: writes <c>files/</c> again from the log (so a crash and restart leave them right)
    /// and uploads all of them; a re-upload replaces what W&amp;B has.
    /// </summary>
    private async Task<IReadOnlyList<string>> UploadFinishedFilesAsync(WandbRunClient client)
    {
        try
        {
            RunFiles.RebuildFromLog(_run.Folder);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            LogFilesNotRebuilt(_logger, _run.Folder.RunId, ex.Message);
        }
        return await _files.UploadAsync(_run.Folder, client.Entity!, client.Project!, RunFiles.All, _stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// The running client, or a new one started; the metric definitions cover <paramref name="firstKeys"/> (rows' keys) from the first upsert on.
    /// With <paramref name="uploadStartFiles"/>, a new run's metadata and config files go up once it exists.
    /// </summary>
    private async Task<WandbRunClient> StartedClientAsync(IEnumerable<string> firstKeys, bool uploadStartFiles)
    {
        if (_client is { State: WandbRunState.Running } running)
        {
            return running;
        }
        if (!Created)
        {
            await _sink.WaitForTurnAsync(_run, _stopping).ConfigureAwait(false);
        }
        var metrics = new RunMetricDefinitions();
        _definitions.ForEach(metrics.Define);
        metrics.Expand(firstKeys);
        var client = _connection.CreateRunClient(_runInfo!, _telemetry, metrics);
        client.ContinueAt(_ack.HistoryLines, _ack.OutputLines);
        await client.StartAsync(resumed: _started, _stopping).ConfigureAwait(false);
        if (client.State != WandbRunState.Running)
        {
            throw new WandbRequestException("UpsertBucket", _connection.Options.NetLocation, null, null,
                $"W&B run {_runInfo!.RunId} could not be started ({client.State})");
        }
        _started = true;
        _client = client;
        if (!Created)
        {
            Created = true;
            _sink.NotifyChanged();
        }
        Entity = client.Entity;
        Project = client.Project;
        if (uploadStartFiles && !_startFilesUploaded)
        {
            // NOTE: metadata and config as soon as the run exists, so the Overview tab fills while the game runs.
            _startFilesUploaded = true;
            client.AddUploaded(await _files.UploadAsync(_run.Folder, client.Entity!, client.Project!, [RunFiles.Metadata, RunFiles.Config], _stopping).ConfigureAwait(false));
        }
        return client;
    }

    /// <summary>
    /// The run's identity from the log's first run record, with its telemetry and the metric
    /// definitions written right after it; <c>null</c> while there is no run record.
    /// </summary>
    private RunInfo? ReadRunInfo()
    {
        using var reader = LevelDbLogReader.Open(LogFile);
        RunInfo? info = null;
        foreach (var (_, record) in RunLogReader.ReadRecords(reader))
        {
            if (info is null && record.RecordTypeCase == Record.RecordTypeOneofCase.Run)
            {
                var config = new List<KeyValuePair<string, string>>();
                foreach (var item in record.Run.Config?.Update ?? [])
                {
                    config.Add(new(RunLogReader.ItemKey(item.Key, item.NestedKey), item.ValueJson));
                }
                _telemetry = record.Run.Telemetry;
                info = new RunLogContents
                {
                    Path = LogFile,
                    RunId = record.Run.RunId,
                    DisplayName = record.Run.DisplayName,
                    Attributes = RunLogReader.Attributes(record.Run),
                    Config = config,
                    Report = reader.Report,
                }.ToRunInfo();
            }
            else if (record.RecordTypeCase == Record.RecordTypeOneofCase.Metric)
            {
                _definitions.Add(record.Metric);
            }
            else if (info is not null)
            {
                break;
            }
        }
        return info;
    }

    /// <summary>An output record's lines, noting which are stderr lines.</summary>
    private static void AddLines(List<string> lines, ImmutableHashSet<int>.Builder errorLines, string text, bool stderr)
    {
        var first = lines.Count;
        RunLogReader.AddLines(lines, text);
        for (var i = first; stderr && i < lines.Count; i++)
        {
            errorLines.Add(i);
        }
    }

    private static (ImmutableArray<KeyValuePair<string, double>> Numbers, ImmutableArray<KeyValuePair<string, string>> Json) Summary(SummaryRecord record)
    {
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, double>>(record.Update.Count);
        var json = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var item in record.Update)
        {
            var key = RunLogReader.ItemKey(item.Key, item.NestedKey);
            if (key.StartsWith('_'))
            {
                continue;
            }
            if (RunLogJson.ParseNumber(item.ValueJson) is { } value)
            {
                values.Add(new(key, value));
            }
            else if (RunLogReader.IsJsonObject(item.ValueJson))
            {
                json.Add(new(key, item.ValueJson));
            }
        }
        return (values.DrainToImmutable(), json.DrainToImmutable());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "wandb run {RunId} could not be sent ({Reason}); its rows wait in the run log, next attempt in {Delay}")]
    private static partial void LogFailed(ILogger logger, string runId, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "wandb run {RunId} could not be sent ({Reason}); its rows stay in the run log")]
    private static partial void LogGivenUp(ILogger logger, string runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "wandb run {RunId} was stopped in the wandb UI: the rest of its log is not sent")]
    private static partial void LogStopped(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run log {LogFile} is damaged; the intact records are sent: {Report}")]
    private static partial void LogDamaged(ILogger logger, string logFile, string report);

    [LoggerMessage(Level = LogLevel.Warning, Message = "wandb run {RunId}: its files/ could not be written from the run log ({Reason}); uploading them as they are")]
    private static partial void LogFilesNotRebuilt(ILogger logger, string runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark a run log synced: {Reason}")]
    private static partial void LogMarkFailed(ILogger logger, string reason);
}
