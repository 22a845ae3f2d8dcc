using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxFactorio.Events;

namespace RxFactorio.Replay;

/// <summary>Replays recorded events on a scheduler at their game time.</summary>
public static class ReplayExtensions
{
    private const double TicksPerSecond = 60;

    /// <summary>
    /// Emits each event at its game time relative to the first one (tick / 60 s, divided by the
    /// speed), reading the next event only when the previous one is due, so memory stays flat.
    /// Game time only moves forward: a tick below the previous one (a new game) is due at once.
    /// With <see cref="ReplaySpeed.Max"/> every event is due at once. Works in virtual time with a
    /// <c>TestScheduler</c> or <c>HistoricalScheduler</c>.
    /// </summary>
    /// <param name="events">The recorded events, in file order (e.g. <see cref="RecordingReader.ReadEvents"/>).</param>
    /// <param name="speed">The replay speed.</param>
    /// <param name="scheduler">The scheduler to emit on.</param>
    public static IObservable<FactorioEvent> ReplayAt(this IEnumerable<FactorioEvent> events, ReplaySpeed speed, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable.Create<FactorioEvent>(observer => new Replayer(events.GetEnumerator(), speed, scheduler, observer).Start());
    }
}
