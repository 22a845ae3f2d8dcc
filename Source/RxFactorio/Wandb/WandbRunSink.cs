using Microsoft.Extensions.Logging;
using RxFactorio.Sinks;

namespace RxFactorio.Wandb;

/// <summary>
/// The W&amp;B end of the pipeline: one <see cref="WandbRunClient"/> per run id. <see cref="StartRun"/>
/// upserts the run (a resumed run keeps its offsets), <see cref="LogBatch"/> streams it,
/// <see cref="FinishRun"/> completes it. A run with no request for
/// <see cref="WandbOptions.HeartbeatInterval"/> gets a heartbeat from a timer on the connection's
/// <see cref="TimeProvider"/>.
/// <para>
/// Failures: a refused key or access (<see cref="WandbAuthenticationException"/>) fails
/// <see cref="HandleAsync"/> (the pipeline stops; the CLI exits with code 2). Any other request
/// that fails for good fails only its run: it is logged, the run becomes
/// <see cref="WandbRunState.Failed"/>, and its later batches are dropped and counted (the run log
/// on disk still has them for <c>sync</c>).
/// </para>
/// </summary>
public sealed class WandbRunSink : IRunSink, IAsyncDisposable
{
    private readonly Dictionary<string, RunEntry> _runs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;
    private Exception? _fatal;
    private bool _disposed;

    /// <summary>Creates a sink over an existing connection.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="ownsConnection">True to dispose the connection with the sink.</param>
    public WandbRunSink(WandbConnection connection, bool ownsConnection = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _ownsConnection = ownsConnection;
        _logger = connection.LoggerFactory.CreateLogger<WandbRunSink>();
    }

    /// <summary>
    /// Builds the whole HTTP pipeline (auth handler, one resilience handler, the inner handler)
    /// without dependency injection, and a sink that owns it.
    /// </summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="apiKey">The API key (see <see cref="ApiKeyResolver"/>).</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="innerHandler">The innermost handler; default a <see cref="SocketsHttpHandler"/>.</param>
    /// <exception cref="ArgumentException">The options or the key are invalid.</exception>
    public static WandbRunSink Create(
        WandbOptions options,
        string apiKey,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? innerHandler = null) =>
        new(WandbConnection.Create(options, new WandbCredentials(apiKey), loggerFactory, timeProvider, innerHandler), ownsConnection: true);

    /// <summary>The connection all runs share.</summary>
    public WandbConnection Connection { get; }

    /// <summary>Requests, retries, heartbeats, rows sent and dropped.</summary>
    public WandbCounters Counters => Connection.Counters;

    /// <summary>The client of a run that is open (or finished idle, and so may resume), or <c>null</c>.</summary>
    /// <param name="runId">The run id.</param>
    public WandbRunClient? GetRun(string runId)
    {
        lock (_lock)
        {
            return _runs.TryGetValue(runId, out var entry) ? entry.Client : null;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key or the access.</exception>
    public async ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFatal();
        switch (command)
        {
            case StartRun start:
                await StartAsync(start, cancellationToken).ConfigureAwait(false);
                break;
            case LogBatch batch:
                await SendAsync(batch, cancellationToken).ConfigureAwait(false);
                break;
            case FinishRun finish:
                await FinishAsync(finish, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"Unknown run command {command.GetType().Name}.", nameof(command));
        }
    }

    /// <summary>Stops the heartbeat timers, waits for heartbeats in flight, and disposes the connection if owned. Runs are not finished.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _disposing.CancelAsync().ConfigureAwait(false);
        RunEntry[] entries;
        lock (_lock)
        {
            entries = [.. _runs.Values];
            _runs.Clear();
        }
        foreach (var entry in entries)
        {
            entry.StopTimer();
            await entry.HeartbeatTask.ConfigureAwait(false);
        }
        _disposing.Dispose();
        if (_ownsConnection)
        {
            Connection.Dispose();
        }
    }

    /// <summary>Waits for heartbeats in flight (for tests).</summary>
    internal async Task WaitForHeartbeatsAsync()
    {
        RunEntry[] entries;
        lock (_lock)
        {
            entries = [.. _runs.Values];
        }
        foreach (var entry in entries)
        {
            await entry.HeartbeatTask.ConfigureAwait(false);
        }
    }

    private async Task StartAsync(StartRun start, CancellationToken cancellationToken)
    {
        RunEntry entry;
        lock (_lock)
        {
            if (!_runs.TryGetValue(start.Run.RunId, out entry!))
            {
                entry = new RunEntry(Connection.CreateRunClient(start.Run));
                _runs.Add(start.Run.RunId, entry);
            }
        }
        try
        {
            await entry.Client.StartAsync(start.Resumed, cancellationToken).ConfigureAwait(false);
        }
        catch (WandbRequestException e) when (e is not WandbAuthenticationException)
        {
            _logger.LogError("W&B run {RunId} could not be started; its batches will be dropped: {Reason}", start.Run.RunId, e.Message);
        }
        Arm(entry);
    }

    private async Task SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        RunEntry? entry;
        lock (_lock)
        {
            _runs.TryGetValue(batch.Run.RunId, out entry);
        }
        if (entry is null)
        {
            Counters.AddBatchSkipped();
            Counters.AddRowsDropped(batch.Rows.IsDefault ? 0 : batch.Rows.Length);
            _logger.LogWarning("W&B sink got a batch for run {RunId}, which was not started; dropped.", batch.Run.RunId);
            return;
        }
        try
        {
            await entry.Client.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (WandbRequestException e) when (e is not WandbAuthenticationException)
        {
            // Logged by the client; the run is now Failed and drops later batches.
        }
        Arm(entry);
    }

    private async Task FinishAsync(FinishRun finish, CancellationToken cancellationToken)
    {
        RunEntry? entry;
        lock (_lock)
        {
            _runs.TryGetValue(finish.Run.RunId, out entry);
        }
        if (entry is null)
        {
            return;
        }
        entry.StopTimer();
        await entry.HeartbeatTask.ConfigureAwait(false);
        try
        {
            await entry.Client.FinishAsync(0, cancellationToken).ConfigureAwait(false);
        }
        catch (WandbRequestException e) when (e is not WandbAuthenticationException)
        {
        }
        finally
        {
            // NOTE: an idle run may resume under the same id, so its client (and offsets) stay.
            if (finish.Reason != RunEndReason.Idle || entry.Client.State != WandbRunState.Finished)
            {
                lock (_lock)
                {
                    _runs.Remove(finish.Run.RunId);
                }
            }
        }
    }

    private void Arm(RunEntry entry)
    {
        if (_disposed || entry.Client.State != WandbRunState.Running)
        {
            entry.StopTimer();
            return;
        }
        var interval = Connection.Options.HeartbeatInterval;
        var due = entry.Client.LastRequestAt + interval - Connection.TimeProvider.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }
        lock (entry.Sync)
        {
            entry.Timer ??= Connection.TimeProvider.CreateTimer(
                static state =>
                {
                    var (sink, e) = ((WandbRunSink, RunEntry))state!;
                    sink.OnHeartbeatTimer(e);
                },
                (this, entry),
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            entry.Timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnHeartbeatTimer(RunEntry entry)
    {
        lock (entry.Sync)
        {
            if (entry.Timer is null || !entry.HeartbeatTask.IsCompleted)
            {
                return;
            }
            entry.HeartbeatTask = HeartbeatAsync(entry);
        }
    }

    private async Task HeartbeatAsync(RunEntry entry)
    {
        try
        {
            await entry.Client.HeartbeatIfIdleAsync(Connection.Options.HeartbeatInterval, _disposing.Token).ConfigureAwait(false);
        }
        catch (WandbAuthenticationException e)
        {
            _fatal ??= e;
        }
        catch (WandbRequestException)
        {
            // Logged by the client; the run is now Failed.
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            return;
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            return;
        }
        Arm(entry);
    }

    private void ThrowIfFatal()
    {
        if (_fatal is { } fatal)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fatal);
        }
    }

    private sealed class RunEntry(WandbRunClient client)
    {
        public Lock Sync { get; } = new();

        public WandbRunClient Client { get; } = client;

        public ITimer? Timer { get; set; }

        public Task HeartbeatTask { get; set; } = Task.CompletedTask;

        public void StopTimer()
        {
            lock (Sync)
            {
                Timer?.Dispose();
                Timer = null;
            }
        }
    }
}
