using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxFactorio.Events;

namespace RxFactorio.Runs;

/// <summary>Rx operators that apply the session rules: which events form which W&amp;B run.</summary>
public static class RunGroupingExtensions
{
    /// <summary>
    /// Groups events into runs with <c>GroupByUntil</c>, one active run per source:
    /// a <c>session_init</c> always starts a new run; an event with no active run starts one; an
    /// event of another session ends the active run and starts a new one; a run idle for
    /// <see cref="RunOptions.IdleTimeout"/> ends, and resumes if its session comes back first;
    /// when <paramref name="events"/> completes, every run ends.
    /// </summary>
    /// <param name="events">The events, serialized and observed on <paramref name="scheduler"/>.</param>
    /// <param name="options">Run options; <c>null</c> uses the defaults.</param>
    /// <param name="scheduler">The scheduler of the idle timeout; the one the events are observed on.</param>
    public static IObservable<RunGroup> GroupIntoRuns(this IObservable<FactorioEvent> events, RunOptions? options, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scheduler);
        options ??= new RunOptions();
        options.Validate();

        return Observable.Defer(() =>
        {
            var router = new RunRouter(options);
            var started = new Subject<RunKey>();

            // NOTE: ordering. Route() runs in the key selector's place, before GroupByUntil sees the
            // event, and when the event starts a run it first pushes the new key into `started`. The
            // source's previous group has that subject in its duration, so it expires and completes
            // (flushing and finishing its run downstream, synchronously) before GroupByUntil opens the
            // new group and hands it the event: the sink sees the old run's last batch and finish
            // before the new run's start. The idle duration is a Throttle on the group itself; it must
            // fire on the scheduler the events are observed on, so that an event can never race the
            // expiry (dotnet/reactive#839). A resumed run reuses its key, so GroupByUntil opens a
            // fresh group for it only after the idle one is gone.
            return events
                .Select(e => (Key: router.Route(e, started), Event: e))
                .GroupByUntil(
                    x => x.Key,
                    x => x.Event,
                    group => RunEnds(group.Key, group, started, router, options.IdleTimeout, scheduler))
                .Select(group => new RunGroup(
                    group.Finally(() => router.Release(group.Key)),
                    router.Context(group.Key)));
        });
    }

    private static IObservable<object> RunEnds(
        RunKey key, IObservable<FactorioEvent> group, IObservable<RunKey> started, RunRouter router, TimeSpan idle, IScheduler scheduler)
    {
        var replaced = started.Where(k => k.Source == key.Source && k != key).Select(k => (object)k);
        if (idle == TimeSpan.Zero)
        {
            return replaced;
        }
        var idled = group.Throttle(idle, scheduler).Do(_ => router.MarkIdle(key)).Select(e => (object)e);
        return replaced.Merge(idled);
    }
}
