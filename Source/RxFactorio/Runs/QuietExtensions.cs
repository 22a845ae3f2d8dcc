using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxFactorio.Runs;

/// <summary>Rx's <c>Throttle</c> on one timer per quiet period instead of one per item.</summary>
internal static class QuietExtensions
{
    /// <summary>
    /// The last item once no item came for <paramref name="quiet"/>, and the pending item when the
    /// source completes: what <c>Throttle(quiet, scheduler)</c> gives, at the same moments. Throttle
    /// schedules a timer per item and cancels the one before, and an <see cref="EventLoopScheduler"/>
    /// keeps a cancelled timer in its queue until it is due: a 15-minute idle timeout held a timer
    /// per line for 15 minutes (at 16 games × 20 lines/s, 288,000 of them). This arms one timer
    /// when an item comes and none is armed; when it fires before the source has been quiet long
    /// enough, it re-arms for the rest.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The items.</param>
    /// <param name="quiet">How long the source must be quiet.</param>
    /// <param name="scheduler">The scheduler of the timer and its clock.</param>
    public static IObservable<T> LastAfterQuiet<T>(this IObservable<T> source, TimeSpan quiet, IScheduler scheduler) =>
        Observable.Create<T>(observer =>
        {
            var gate = new Lock();
            var timer = new SerialDisposable();
            var clock = scheduler.StartStopwatch();
            var armed = false;
            var hasValue = false;
            var value = default(T)!;
            var lastItem = TimeSpan.Zero;

            void Arm(TimeSpan after) => timer.Disposable = scheduler.Schedule(after, Fire);

            void Fire()
            {
                lock (gate)
                {
                    var since = clock.Elapsed - lastItem;
                    if (since < quiet)
                    {
                        Arm(quiet - since);
                        return;
                    }
                    armed = false;
                    if (!hasValue)
                    {
                        return;
                    }
                    hasValue = false;
                    observer.OnNext(value);
                }
            }

            var subscription = source.Subscribe(
                item =>
                {
                    lock (gate)
                    {
                        value = item;
                        hasValue = true;
                        lastItem = clock.Elapsed;
                        if (!armed)
                        {
                            armed = true;
                            Arm(quiet);
                        }
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        timer.Dispose();
                        hasValue = false;
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        timer.Dispose();
                        if (hasValue)
                        {
                            hasValue = false;
                            observer.OnNext(value);
                        }
                        observer.OnCompleted();
                    }
                });
            return new CompositeDisposable(subscription, timer);
        });
}
