using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace RxFactorio.Sinks;

/// <summary>
/// Hands commands to a sink one at a time, in arrival order, and passes each on once the sink
/// has carried it out. A sink that completes synchronously is driven synchronously (so virtual
/// time stays exact); an asynchronous one is awaited in a loop, never recursively.
/// </summary>
internal sealed partial class SerialSinkPump : IObserver<RunCommand>, IDisposable
{
    private readonly IRunSink _sink;
    private readonly IObserver<RunCommand> _delivered;
    private readonly SendOptions _options;
    private readonly SemaphoreSlim _room = new(0);
    private long _pendingRows;
    private long _pendingBytes;
    private int _waiters;
    private bool _warned;
    private readonly Queue<RunCommand> _queue = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _gate = new();
    private bool _running;
    private bool _sourceCompleted;
    private bool _stopped;

    public SerialSinkPump(IRunSink sink, IObserver<RunCommand> delivered, SendOptions options)
    {
        _sink = sink;
        _delivered = delivered;
        _options = options;
    }

    /// <summary>History rows handed in and not yet carried out by the sink.</summary>
    public long PendingRows => Interlocked.Read(ref _pendingRows);

    /// <summary>Estimated bytes handed in and not yet carried out by the sink.</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>True while the producer waits for room.</summary>
    public bool ProducerWaiting => Volatile.Read(ref _waiters) > 0;

    public IDisposable Subscription { get; set; } = Disposable.Empty;

    public void OnNext(RunCommand value)
    {
        WaitForRoom();
        var (rows, bytes) = Weight(value);
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _pendingRows += rows;
            _pendingBytes += bytes;
            _queue.Enqueue(value);
            if (_running)
            {
                return;
            }
            _running = true;
        }
        _ = PumpAsync();
    }

    public void OnError(Exception error) => Stop(error);

    public void OnCompleted()
    {
        lock (_gate)
        {
            _sourceCompleted = true;
            if (_running)
            {
                return;
            }
        }
        Finish();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _queue.Clear();
        }
        _cancellation.Cancel();
        ReleaseWaiters();
        Subscription.Dispose();
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            RunCommand command;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
                if (!_queue.TryDequeue(out command!))
                {
                    _running = false;
                    if (!_sourceCompleted)
                    {
                        return;
                    }
                    break;
                }
            }
            try
            {
                var pending = _sink.HandleAsync(command, _cancellation.Token);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending.ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                Stop(ex);
                return;
            }
            Delivered(command);
            _delivered.OnNext(command);
        }
        Finish();
    }

    private static (long Rows, long Bytes) Weight(RunCommand command) =>
        command is LogBatch batch ? (batch.Rows.Length, batch.Rows.Sum(r => (long)r.EstimatedBytes) + batch.LogLines.Sum(l => (long)l.Length)) : (0, 0);

    private bool OverBounds => PendingRows >= _options.MaxPendingRows || PendingBytes >= _options.MaxPendingBytes;

    // NOTE: only the producer waits here, never while holding _gate; the pump releases one waiter
    // per delivered command, and Dispose/Stop release every waiter, so a wait cannot outlive the pipeline.
    private void WaitForRoom()
    {
        if (!OverBounds)
        {
            _warned = false;
            return;
        }
        if (!_warned)
        {
            _warned = true;
            if (_options.Logger is { } logger)
            {
                LogBehind(logger, PendingRows, PendingBytes, _options.WhenFull == WhenSinkFallsBehind.Wait ? "reading waits until it catches up" : "reading goes on; the backlog stays in memory, nothing is dropped");
            }
        }
        if (_options.WhenFull != WhenSinkFallsBehind.Wait)
        {
            return;
        }
        while (OverBounds && !_stopped)
        {
            Interlocked.Increment(ref _waiters);
            if (!OverBounds)
            {
                break;
            }
            // NOTE: the timeout only covers a delivery that raced the increment above.
            _room.Wait(TimeSpan.FromMilliseconds(100));
        }
    }

    private void Delivered(RunCommand command)
    {
        var (rows, bytes) = Weight(command);
        Interlocked.Add(ref _pendingRows, -rows);
        Interlocked.Add(ref _pendingBytes, -bytes);
        ReleaseWaiters();
    }

    private void ReleaseWaiters()
    {
        var waiting = Interlocked.Exchange(ref _waiters, 0);
        if (waiting > 0)
        {
            _room.Release(waiting);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sink is behind: {Rows} rows ({Bytes} bytes) are waiting for it (is the server slow or down?); {What}")]
    private static partial void LogBehind(ILogger logger, long rows, long bytes, string what);

    private void Finish()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
        }
        _delivered.OnCompleted();
    }

    private void Stop(Exception error)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            _queue.Clear();
        }
        ReleaseWaiters();
        _delivered.OnError(error);
    }
}
