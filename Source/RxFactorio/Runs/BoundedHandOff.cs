using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace RxFactorio.Runs;

/// <summary>
/// A bounded queue from a producer thread to the run loop: the loop drains it in turns of at most
/// <see cref="TurnItems"/> items (so its timers run between them); a producer on the loop itself
/// delivers inline.
/// </summary>
internal sealed partial class BoundedHandOff<T> : IObserver<T>, IDisposable
{
    private const int TurnItems = 256;

    private readonly IObserver<T> _downstream;
    private readonly RunLoop _loop;
    private readonly HandOffOptions _options;
    private readonly Queue<System.Reactive.Notification<T>> _queue = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _room = new(0);
    private int _waiters;
    private bool _draining;
    private bool _warned;
    private volatile bool _disposed;

    public BoundedHandOff(IObserver<T> downstream, RunLoop loop, HandOffOptions options)
    {
        _downstream = downstream;
        _loop = loop;
        _options = options;
    }

    public IDisposable Subscription { get; set; } = Disposable.Empty;

    /// <summary>True while the producer waits for room.</summary>
    public bool ProducerWaiting => Volatile.Read(ref _waiters) > 0;

    public void OnNext(T value) => Enqueue(System.Reactive.Notification.CreateOnNext(value));

    public void OnError(Exception error) => Enqueue(System.Reactive.Notification.CreateOnError<T>(error), terminal: true);

    public void OnCompleted() => Enqueue(System.Reactive.Notification.CreateOnCompleted<T>(), terminal: true);

    public void Dispose()
    {
        _disposed = true;
        lock (_gate)
        {
            _queue.Clear();
        }
        ReleaseWaiters();
        Subscription.Dispose();
    }

    private void Enqueue(System.Reactive.Notification<T> item, bool terminal = false)
    {
        if (_disposed)
        {
            return;
        }
        bool schedule;
        lock (_gate)
        {
            if (_loop.IsCurrent && _queue.Count == 0 && !_draining)
            {
                schedule = false;
            }
            else
            {
                schedule = true;
            }
        }
        if (!schedule)
        {
            item.Accept(_downstream);
            return;
        }
        if (!terminal)
        {
            WaitForRoom();
        }
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _queue.Enqueue(item);
            if (_draining)
            {
                return;
            }
            _draining = true;
        }
        _loop.Scheduler.Schedule(Drain);
    }

    // NOTE: the producer waits here, never while holding _gate and never on the loop's own thread
    // (the loop drains the queue; waiting there would wait for itself). The drain releases waiters
    // after every turn, and Dispose releases them all, so a wait cannot outlive the pipeline.
    private void WaitForRoom()
    {
        if (Count < _options.Capacity)
        {
            _warned = false;
            return;
        }
        if (_options.WhenFull == WhenRunStageIsFull.Warn || _loop.IsCurrent)
        {
            if (!_warned && _options.Logger is { } logger)
            {
                LogFull(logger, Count);
            }
            _warned = true;
            return;
        }
        while (!_disposed && Count >= _options.Capacity)
        {
            Interlocked.Increment(ref _waiters);
            if (Count < _options.Capacity)
            {
                break;
            }
            // NOTE: the timeout only covers a drain that raced the increment above.
            _room.Wait(TimeSpan.FromMilliseconds(50));
        }
    }

    private int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    private void Drain()
    {
        for (var n = 0; n < TurnItems; n++)
        {
            System.Reactive.Notification<T> item;
            lock (_gate)
            {
                if (_disposed || !_queue.TryDequeue(out item!))
                {
                    _draining = false;
                    ReleaseWaiters();
                    return;
                }
            }
            if (n % 32 == 0)
            {
                ReleaseWaiters();
            }
            item.Accept(_downstream);
        }
        ReleaseWaiters();
        _loop.Scheduler.Schedule(Drain);
    }

    private void ReleaseWaiters()
    {
        var waiting = Interlocked.Exchange(ref _waiters, 0);
        if (waiting > 0)
        {
            _room.Release(waiting);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run stage is behind: {Events} events wait in memory for it (reading goes on; nothing is dropped)")]
    private static partial void LogFull(ILogger logger, int events);
}
