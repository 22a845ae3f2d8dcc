using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxFactorio.Events;

namespace RxFactorio.Runs;

/// <summary>Rx operators that apply the session rules: which events form which W&amp;B run.</summary>
public static class RunGroupingExtensions
{
    /// <summary>
    /// Groups events into runs with <c>GroupByUntil</c>, one live run per session of a source:
    /// a <c>session_init</c> always starts a new run (and ends its session's live one); an event of
    /// a session with no live run starts one; a run whose session has been quiet for
    /// <see cref="RunOptions.SessionGrace"/> while another session of its source went on ends, as
    /// does a run idle for <see cref="RunOptions.IdleTimeout"/>, and either resumes if its session
    /// comes back before a new run starts on the source; when <paramref name="events"/> completes,
    /// every run ends.
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
            var router = new RunRouter(options, scheduler);
            var ended = new Subject<RunKey>();

            // NOTE: ordering. Route() runs in the key selector's place, before GroupByUntil sees the
            // event, and when the event ends runs (its session's previous play-through, sessions quiet
            // for the grace) it first pushes their keys into `ended`. Each group has that subject in
            // its duration, so it expires and completes (flushing and finishing its run downstream,
            // synchronously) before GroupByUntil opens any new group and hands it the event: the sink
            // sees the old run's last batch and finish before the new run's start. The idle and grace
            // durations are throttles (LastAfterQuiet) on the group itself; they must fire on the scheduler the events
            // are observed on, so that an event can never race the expiry (dotnet/reactive#839). A
            // resumed run reuses its key, so GroupByUntil opens a fresh group for it only after the
            // resting one is gone.
            return events
                .Select(e => (Key: router.Route(e, ended), Event: e))
                .GroupByUntil(
                    x => x.Key,
                    x => x.Event,
                    group => RunEnds(group.Key, group, ended, router, options, scheduler))
                .Select(group => new RunGroup(
                    group.Finally(() => router.Release(group.Key)),
                    router.Context(group.Key)));
        });
    }

    private static IObservable<object> RunEnds(
        RunKey key, IObservable<FactorioEvent> group, IObservable<RunKey> ended, RunRouter router, RunOptions options, IScheduler scheduler)
    {
        var ends = new List<IObservable<object>> { ended.Where(k => k == key).Select(k => (object)k) };
        if (options.IdleTimeout > TimeSpan.Zero)
        {
            ends.Add(group.LastAfterQuiet(options.IdleTimeout, scheduler).Do(_ => router.MarkIdle(key)).Select(e => (object)e));
        }
        if (options.SessionGrace > TimeSpan.Zero && !options.GraceInGameTime)
        {
            // Live: the grace ends a quiet session's run on time even when no other line comes; in game
            // time (a replay) the clock moves only with lines, and Route() checks it at each one.
            ends.Add(group.LastAfterQuiet(options.SessionGrace, scheduler).Where(_ => router.EndIfDisplaced(key)).Select(e => (object)e));
        }
        return ends.Merge();
    }
}
