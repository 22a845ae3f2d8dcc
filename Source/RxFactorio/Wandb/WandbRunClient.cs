using Microsoft.Extensions.Logging;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Wandb;

/// <summary>
/// Talks to W&amp;B for one run: UpsertBucket to create or resume it, then file_stream requests for
/// history rows, the summary and <c>output.log</c> lines, uploaded run files, heartbeats, and the final
/// <c>complete</c>. Per-file line offsets advance only when a request succeeds; each request is
/// built once, so a retry sends exactly the same bytes. Calls are serialized; it is safe to call
/// <see cref="HeartbeatIfIdleAsync"/> from a timer while a batch is being sent.
/// </summary>
internal sealed class WandbRunClient
{
    private readonly WandbConnection _connection;
    private readonly WandbOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<PreparedRequest> _pending = new();
    private readonly FileStreamPacker _packer;
    private readonly HashSet<string> _uploaded = new(StringComparer.Ordinal);
    private long _historyOffset;
    private long _logOffset;
    private long _nextHistoryOffset;
    private long _nextLogOffset;
    private long _lastRequestTicks;
    private HistoryRow? _lastRow;
    private bool _offsetsPinned;
    private bool _configStale;
    private volatile WandbRunState _state = WandbRunState.Created;

    internal WandbRunClient(WandbConnection connection, RunInfo run, RunLog.Proto.TelemetryRecord? telemetry = null, RunMetricDefinitions? metrics = null)
    {
        Telemetry = telemetry;
        Metrics = metrics ?? new RunMetricDefinitions();
        _connection = connection;
        _options = connection.Options;
        _logger = connection.LoggerFactory.CreateLogger<WandbRunClient>();
        _packer = new FileStreamPacker(_options.MaxRequestBytes, _options.MaxLineBytes, WandbRefit.BodyEncoder);
        Run = run;
        _lastRequestTicks = connection.TimeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>The run.</summary>
    public RunInfo Run { get; }

    /// <summary>The run record's telemetry: with it, the config carries W&amp;B's <c>_wandb</c> (<c>cli_version</c>, <c>t</c>, <c>m</c>).</summary>
    public RunLog.Proto.TelemetryRecord? Telemetry { get; }

    /// <summary>
    /// The run's metric definitions for <c>_wandb.m</c>; rows sent define the keys its globs match,
    /// and the config is sent again (UpsertBucket) after a batch that defined new ones.
    /// </summary>
    public RunMetricDefinitions Metrics { get; }

    /// <summary>Where the client is in the run's life.</summary>
    public WandbRunState State => _state;

    /// <summary>The entity the server put the run in (from UpsertBucket's response), once started.</summary>
    public string? Entity { get; private set; }

    /// <summary>The project the server put the run in (from UpsertBucket's response), once started.</summary>
    public string? Project { get; private set; }

    /// <summary>The run's storage id from the server, once started.</summary>
    public string? StorageId { get; private set; }

    /// <summary>History lines the server has accepted (the next history offset).</summary>
    public long HistoryOffset => Interlocked.Read(ref _historyOffset);

    /// <summary><c>output.log</c> lines the server has accepted (the next log offset).</summary>
    public long LogOffset => Interlocked.Read(ref _logOffset);

    /// <summary>When the last request for this run ended (or the client was created).</summary>
    public DateTimeOffset LastRequestAt => new(Interlocked.Read(ref _lastRequestTicks), TimeSpan.Zero);

    /// <summary>
    /// Continues the run's files at offsets known to be acknowledged (from a run log's ack state):
    /// the next history line goes to <paramref name="historyLines"/>, the next <c>output.log</c>
    /// line to <paramref name="logLines"/>, whatever <c>historyLineCount</c> the upsert reports.
    /// Lines the server took in after that point without the sender learning it are sent again
    /// to the same offsets, where W&amp;B replaces them (docs/wandb-protocol.md §3). Call before <see cref="StartAsync"/>.
    /// </summary>
    /// <param name="historyLines">History lines acknowledged.</param>
    /// <param name="logLines"><c>output.log</c> lines acknowledged.</param>
    /// <exception cref="InvalidOperationException">The client has already sent something.</exception>
    public void ContinueAt(long historyLines, long logLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyLines);
        ArgumentOutOfRangeException.ThrowIfNegative(logLines);
        if (_state != WandbRunState.Created || _pending.Count > 0)
        {
            throw new InvalidOperationException("ContinueAt must be called before the run is started.");
        }
        Interlocked.Exchange(ref _historyOffset, historyLines);
        Interlocked.Exchange(ref _logOffset, logLines);
        _nextHistoryOffset = historyLines;
        _nextLogOffset = logLines;
        _offsetsPinned = true;
    }

    /// <summary>
    /// Creates the run with UpsertBucket, or, when it ran before (after <see cref="FinishAsync(int, CancellationToken)"/>, or
    /// <paramref name="resumed"/>), upserts it again under the same run id and continues its offsets.
    /// Entity and project for file_stream come from the response.
    /// </summary>
    /// <param name="resumed">True when the run continues an earlier one with the same id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="WandbAuthenticationException">The key or access was refused.</exception>
    /// <exception cref="WandbRequestException">The upsert failed; the run is now <see cref="WandbRunState.Failed"/>.</exception>
    public async Task StartAsync(bool resumed = false, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state is WandbRunState.Stopped or WandbRunState.Failed)
            {
                _logger.LogWarning("W&B run {RunId} is {State}; not starting it again.", Run.RunId, _state);
                return;
            }
            UpsertResult result;
            try
            {
                result = await UpsertAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WandbRequestException)
            {
                Abandon(WandbRunState.Failed);
                throw;
            }
            Entity = result.Entity;
            Project = result.Project;
            StorageId = result.StorageId ?? StorageId;
            if (!_offsetsPinned && result.HistoryLineCount > _nextHistoryOffset && _pending.Count == 0)
            {
                // The server already has history for this run id: append after it (as wandb-core does).
                Interlocked.Exchange(ref _historyOffset, result.HistoryLineCount);
                _nextHistoryOffset = result.HistoryLineCount;
            }
            var verb = _state == WandbRunState.Created && !resumed ? "started" : "resumed";
            _state = WandbRunState.Running;
            _logger.LogInformation("W&B run {RunId} ({DisplayName}) {Verb} in {Entity}/{Project}, history offset {Offset}.",
                Run.RunId, Run.DisplayName, verb, Entity, Project, _nextHistoryOffset);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends a batch: its rows as <c>wandb-history.jsonl</c> lines, its summary as the one line of
    /// <c>wandb-summary.json</c> (offset 0), its log lines as <c>output.log</c> lines, split into
    /// requests below <see cref="WandbOptions.MaxRequestBytes"/>. A line over
    /// <see cref="WandbOptions.MaxLineBytes"/> is dropped with a warning and counted.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="cancellationToken">Cancels sending; requests not yet sent stay queued and are sent first next time.</param>
    /// <returns>True when sent; false when the run is stopped or failed (the batch is counted as skipped).</returns>
    /// <exception cref="InvalidOperationException">The run was not started.</exception>
    /// <exception cref="WandbRequestException">A request failed for good; the run is now <see cref="WandbRunState.Failed"/>.</exception>
    public Task<bool> SendAsync(LogBatch batch, CancellationToken cancellationToken = default) => SendAsync(batch, null, cancellationToken);

    /// <summary>Like <see cref="SendAsync(LogBatch, CancellationToken)"/>, with the rows' history lines already escaped (e.g. from the run log's bytes) instead of <see cref="LogBatch.Rows"/>.</summary>
    /// <param name="batch">The batch; its <see cref="LogBatch.Rows"/> are sent only when <paramref name="history"/> is <c>null</c>.</param>
    /// <param name="history">The rows' history lines; <c>null</c> writes them from the batch's rows. The caller disposes it.</param>
    /// <param name="cancellationToken">Cancels sending; requests not yet sent stay queued and are sent first next time.</param>
    /// <returns>True when sent; false when the run is stopped or failed (the batch is counted as skipped).</returns>
    public async Task<bool> SendAsync(LogBatch batch, HistoryLineBatch? history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        HistoryLineBatch? fromRows = null;
        try
        {
            if (history is null)
            {
                history = fromRows = new HistoryLineBatch(_options);
                foreach (var row in batch.Rows.IsDefault ? [] : batch.Rows)
                {
                    history.Add(row);
                }
            }
            if (!CanSend(history.Rows))
            {
                return false;
            }
            _configStale |= Telemetry is not null && Metrics.Expand(history.Keys);
            var last = history.Last;
            _lastRow = last ?? _lastRow;
            foreach (var (reason, bytes) in history.Dropped)
            {
                Dropped(FileStreamPacker.HistoryFile, reason, bytes);
            }
            var summary = batch.Summary.IsDefaultOrEmpty ? null : WandbJsonLines.SummaryLine(batch.Summary, batch.SummaryJson.IsDefault ? [] : batch.SummaryJson, _lastRow);
            var now = _connection.TimeProvider.GetUtcNow();
            var log = batch.LogLines.IsDefault ? [] : batch.LogLines.Select((l, i) => WandbJsonLines.LogLine(now, l, batch.ErrorLines.Contains(i))).ToList();
            var requests = _packer.Pack(history.Lines, summary, log, _nextHistoryOffset, _nextLogOffset, Dropped);
            var lastWithRows = requests.FindLastIndex(r => r.HistoryLines > 0);
            if (lastWithRows >= 0)
            {
                requests[lastWithRows] = requests[lastWithRows] with { NewestRowCompleted = last!.Timestamp };
            }
            if (requests.Count > 0)
            {
                requests[0] = requests[0] with { Body = WithUploaded(requests[0].Body) };
            }
            foreach (var request in requests)
            {
                _pending.Enqueue(request);
                _nextHistoryOffset += request.HistoryLines;
                _nextLogOffset += request.LogLines;
            }
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            await RefreshConfigAsync(cancellationToken).ConfigureAwait(false);
            return _state == WandbRunState.Running;
        }
        finally
        {
            _gate.Release();
            fromRows?.Dispose();
        }
    }

    /// <summary>Sends a heartbeat (<c>{}</c>), or what is still queued, to keep the run alive.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when a request was sent.</returns>
    /// <exception cref="WandbRequestException">The request failed for good; the run is now <see cref="WandbRunState.Failed"/>.</exception>
    public Task<bool> HeartbeatAsync(CancellationToken cancellationToken = default) => HeartbeatIfIdleAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>Like <see cref="HeartbeatAsync"/>, but only when no request ended in the last <paramref name="idle"/>.</summary>
    /// <param name="idle">How long the run must have been without requests.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when a request was sent.</returns>
    /// <exception cref="WandbRequestException">The request failed for good; the run is now <see cref="WandbRunState.Failed"/>.</exception>
    public async Task<bool> HeartbeatIfIdleAsync(TimeSpan idle, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != WandbRunState.Running || _connection.TimeProvider.GetUtcNow() - LastRequestAt < idle)
            {
                return false;
            }
            if (_pending.Count == 0)
            {
                _pending.Enqueue(new PreparedRequest(WithUploaded(new FileStreamRequest()), 0, 0));
            }
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends what is still queued, then <c>{"complete":true,"exitcode":N}</c>. Nothing is sent for a
    /// run that is stopped, failed, or was never started.
    /// </summary>
    /// <param name="exitCode">0 marks the run finished; anything else, failed.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="WandbRequestException">A request failed for good; the run is now <see cref="WandbRunState.Failed"/>.</exception>
    public async Task FinishAsync(int exitCode = 0, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != WandbRunState.Running)
            {
                return;
            }
            _pending.Enqueue(new PreparedRequest(WithUploaded(new FileStreamRequest { Complete = true, ExitCode = exitCode }), 0, 0));
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            if (_state == WandbRunState.Running)
            {
                _state = WandbRunState.Finished;
                _logger.LogInformation("W&B run {RunId} finished with exit code {ExitCode} ({Lines} history lines).", Run.RunId, exitCode, HistoryOffset);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Run files were uploaded: their names go in the <c>uploaded</c> list of the next file_stream request
    /// (rows, heartbeat or <c>complete</c>), as wandb-core merges a <c>FilesUploadedUpdate</c> into the next
    /// request (core/internal/runfiles/saved_file.go, core/internal/filestream/filestreamrequest.go).
    /// </summary>
    /// <param name="uploaded">The files' names in the run.</param>
    public void AddUploaded(IReadOnlyList<string> uploaded)
    {
        ArgumentNullException.ThrowIfNull(uploaded);
        lock (_uploaded)
        {
            _uploaded.UnionWith(uploaded);
        }
    }

    /// <summary>The request with the files uploaded since the last request, which then count as reported.</summary>
    private FileStreamRequest WithUploaded(FileStreamRequest request)
    {
        lock (_uploaded)
        {
            if (_uploaded.Count == 0)
            {
                return request;
            }
            var names = _uploaded.Order(StringComparer.Ordinal).ToList();
            _uploaded.Clear();
            return request with { Uploaded = names };
        }
    }

    private async Task<UpsertResult> UpsertAsync(CancellationToken cancellationToken)
    {
        // NOTE: the run log's own attributes win; the options only fill what the log leaves empty (older logs).
        var attributes = Run.Attributes.Or(new RunAttributes { Tags = _options.Tags, Group = _options.Group, Notes = _options.Notes, JobType = _options.JobType });
        var variables = new UpsertBucketVariables
        {
            Id = StorageId,
            Name = Run.RunId,
            Project = _options.Project,
            Entity = _options.Entity,
            GroupName = attributes.Group,
            // NOTE: as wandb-core (runupserter.go, nullify.NilIfZero): an empty name is null, so W&B names the run.
            DisplayName = string.IsNullOrEmpty(Run.DisplayName) ? null : Run.DisplayName,
            Notes = attributes.Notes,
            Config = WandbJsonLines.ConfigJson(Run.Config, Telemetry, Metrics),
            Host = attributes.Host,
            JobType = attributes.JobType,
            Tags = attributes.Tags.IsDefaultOrEmpty ? null : attributes.Tags,
        };
        try
        {
            return await _connection.UpsertBucketAsync(variables, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Touch();
        }
    }

    /// <summary>
    /// Sends the config again when rows defined new metrics (wandb-core's upserter does the same,
    /// debounced). A failure is only a warning: the rows are delivered, and the next batch tries again.
    /// </summary>
    private async Task RefreshConfigAsync(CancellationToken cancellationToken)
    {
        if (!_configStale || _state != WandbRunState.Running)
        {
            return;
        }
        try
        {
            var result = await UpsertAsync(cancellationToken).ConfigureAwait(false);
            StorageId = result.StorageId ?? StorageId;
            _configStale = false;
        }
        catch (WandbRequestException e)
        {
            _logger.LogWarning("W&B run {RunId}: the config with {Metrics} metric definitions was not updated ({Reason}); trying again with the next batch.",
                Run.RunId, Metrics.Count, e.Message);
        }
    }

    private bool CanSend(int rows)
    {
        switch (_state)
        {
            case WandbRunState.Running:
                return true;
            case WandbRunState.Created:
                throw new InvalidOperationException($"W&B run {Run.RunId} was not started; call StartAsync first.");
            default:
                RxFactorioMeter.BatchesSkipped.Add(1);
                RxFactorioMeter.RowsDropped.Add(rows);
                _logger.LogDebug("W&B run {RunId} is {State}; batch of {Rows} rows not sent.", Run.RunId, _state, rows);
                return false;
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var request))
        {
            FileStreamResponse response;
            try
            {
                response = await _connection.FileStreamAsync(Entity!, Project!, Run.RunId, request.Body, cancellationToken).ConfigureAwait(false);
            }
            catch (WandbRequestException e)
            {
                Touch();
                Abandon(WandbRunState.Failed);
                _logger.LogError("W&B run {RunId}: file_stream failed for good ({Reason}); later batches of this run are dropped. The data stays in the run log; upload it with sync.",
                    Run.RunId, e.Message);
                throw;
            }
            Touch();
            _pending.Dequeue().Release();
            Interlocked.Add(ref _historyOffset, request.HistoryLines);
            Interlocked.Add(ref _logOffset, request.LogLines);
            RxFactorioMeter.RowsDelivered.Add(request.HistoryLines);
            if (request.NewestRowCompleted is { } completed)
            {
                var lag = _connection.TimeProvider.GetUtcNow() - completed;
                RxFactorioMeter.DeliveryLag.Record(Math.Max(0, lag.TotalSeconds));
            }
            if (response.Stopped == true)
            {
                Abandon(WandbRunState.Stopped);
                _logger.LogWarning("W&B run {RunId} was stopped in the W&B UI; treating it as finished, later batches are dropped.", Run.RunId);
                return;
            }
        }
    }

    private void Abandon(WandbRunState state)
    {
        _state = state;
        var rows = _pending.Sum(r => (long)r.HistoryLines);
        while (_pending.TryDequeue(out var request))
        {
            request.Release();
        }
        RxFactorioMeter.RowsDropped.Add(rows);
    }

    private void Dropped(string file, FileStreamPacker.DropReason reason, int bytes)
    {
        RxFactorioMeter.LinesOversized.Add(1);
        if (file == FileStreamPacker.HistoryFile)
        {
            RxFactorioMeter.RowsDropped.Add(1);
        }
        _logger.LogWarning("W&B run {RunId}: dropped a {File} line of {Bytes} bytes ({Reason}; limit {Limit} bytes per line, {RequestLimit} per request).",
            Run.RunId, file, bytes, reason, _options.MaxLineBytes, _options.MaxRequestBytes);
    }

    private void Touch() => Interlocked.Exchange(ref _lastRequestTicks, _connection.TimeProvider.GetUtcNow().UtcTicks);
}
