using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxFactorio.Events;

namespace RxFactorio.Replay;

/// <summary>
/// One replay subscription: emits every event that is due, then schedules itself for the next
/// one's due time. At most <see cref="InlineEvents"/> events go out per scheduler turn, so a
/// replay at max speed still lets the scheduler's timers (batch windows) run between them.
/// </summary>
internal sealed class Replayer(IEnumerator<FactorioEvent> events, ReplaySpeed speed, IScheduler scheduler, IObserver<FactorioEvent> observer)
{
    private const int InlineEvents = 256;
    private const double TicksPerSecond = 60;

    private readonly SerialDisposable _next = new();
    private DateTimeOffset _start;
    private double _gameSeconds;
    private long? _previousTick;
    private FactorioEvent? _pending;
    private bool _disposed;

    public IDisposable Start()
    {
        // NOTE: the first step is scheduled too, so that every event is emitted on the scheduler
        // (the run stage relies on it); game time counts from when that first step runs.
        _next.Disposable = scheduler.Schedule(() =>
        {
            _start = scheduler.Now;
            Step();
        });
        return Disposable.Create(() =>
        {
            _disposed = true;
            _next.Dispose();
            events.Dispose();
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
        try
        {
            if (!events.MoveNext())
            {
                observer.OnCompleted();
                return false;
            }
        }
        catch (Exception ex)
        {
            observer.OnError(ex);
            return false;
        }
        next = events.Current;
        if (_previousTick is { } before && next.Tick > before)
        {
            _gameSeconds += (next.Tick - before) / TicksPerSecond;
        }
        _previousTick = next.Tick;
        due = speed.IsMax ? scheduler.Now : _start + TimeSpan.FromSeconds(_gameSeconds / speed.Factor);
        return true;
    }
}
