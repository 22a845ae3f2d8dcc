using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxFactorio.Events;

namespace RxFactorio.Replay;

/// <summary>
/// One replay subscription: emits every event that is due, then schedules itself for the next
/// one's due time. At most <see cref="InlineEvents"/> events go out per scheduler turn, so a
/// replay at max speed still lets the scheduler's timers (batch windows) run between them.
/// NOTE: disposing (a stop signal, from another thread) never disposes the enumerator while the
/// scheduler's thread is inside its MoveNext: a compiler-built iterator would run its finally
/// blocks (closing the file, returning the framer's pooled buffer) and clear its locals under the
/// reader's feet (ArgumentNullException, NullReferenceException, or a torn line reported as
/// rejected). The reader disposes it once its read is over.
/// </summary>
internal sealed class Replayer(IEnumerator<FactorioEvent> events, ReplaySpeed speed, IScheduler scheduler, IObserver<FactorioEvent> observer)
{
    private const int InlineEvents = 256;
    private const double TicksPerSecond = 60;

    private readonly SingleAssignmentDisposable _first = new();
    private readonly SerialDisposable _next = new();
    private readonly Lock _gate = new();
    private bool _reading;
    private DateTimeOffset _start;
    private double _gameSeconds;
    private long? _previousTick;
    private FactorioEvent? _pending;
    private volatile bool _disposed;

    public IDisposable Start()
    {
        // NOTE: the first step is scheduled too, so that every event is emitted on the scheduler
        // (the run stage relies on it); game time counts from when that first step runs. Its handle
        // is kept apart from the next steps': the scheduler's thread may run it (and schedule the
        // next step into _next) before Schedule returns here, and storing it in _next would cancel that.
        _first.Disposable = scheduler.Schedule(() =>
        {
            _start = scheduler.Now;
            Step();
        });
        return Disposable.Create(() =>
        {
            bool reading;
            lock (_gate)
            {
                _disposed = true;
                reading = _reading;
            }
            _first.Dispose();
            _next.Dispose();
            if (!reading)
            {
                events.Dispose();
            }
        });
    }

    private void Step()
    {
        for (var sent = 0; !_disposed; sent++)
        {
            if (_pending is not null)
            {
                observer.OnNext(_pending);
                _pending = null;
            }
            if (!TryReadNext(out var next, out var due))
            {
                return;
            }
            _pending = next;
            if (due > scheduler.Now || sent >= InlineEvents)
            {
                _next.Disposable = scheduler.Schedule(due > scheduler.Now ? due : scheduler.Now, Step);
                return;
            }
        }
    }

    private bool TryReadNext(out FactorioEvent next, out DateTimeOffset due)
    {
        next = null!;
        due = default;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }
            _reading = true;
        }
        bool moved;
        try
        {
            moved = events.MoveNext();
            if (moved)
            {
                next = events.Current;
            }
        }
        catch (Exception ex)
        {
            if (!EndRead())
            {
                observer.OnError(ex);
            }
            return false;
        }
        if (EndRead())
        {
            return false;
        }
        if (!moved)
        {
            observer.OnCompleted();
            return false;
        }
        if (_previousTick is { } before && next.Tick > before)
        {
            _gameSeconds += (next.Tick - before) / TicksPerSecond;
        }
        _previousTick = next.Tick;
        due = speed.IsMax ? scheduler.Now : _start + TimeSpan.FromSeconds(_gameSeconds / speed.Factor);
        return true;
    }

    /// <summary>Ends a read; true when the subscription was disposed meanwhile (the enumerator is disposed now, here).</summary>
    private bool EndRead()
    {
        lock (_gate)
        {
            _reading = false;
            if (!_disposed)
            {
                return false;
            }
        }
        events.Dispose();
        return true;
    }
}
