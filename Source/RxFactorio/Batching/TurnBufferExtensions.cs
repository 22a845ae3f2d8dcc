using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxFactorio.Batching;

/// <summary>Batching without a timer: what arrived together goes out together, at once.</summary>
internal static class TurnBufferExtensions
{
    /// <summary>
    /// Collects items into lists, and hands a list on as soon as either it holds
    /// <paramref name="maxCount"/> items or the scheduler has run the work that was queued when its
    /// first item came (the end of the current turn: a read of lines, a replay step), never later.
    /// So nothing waits for a window: a row reaches the run log in the turn it completed in, and a
    /// burst (a file read from its start, a replay at max speed) still goes in batches.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The items, observed on <paramref name="scheduler"/>.</param>
    /// <param name="maxCount">The most items in one list.</param>
    /// <param name="scheduler">The scheduler the items are observed on.</param>
    public static IObservable<IList<T>> BufferPerTurn<T>(this IObservable<T> source, int maxCount, IScheduler scheduler) =>
        Observable.Create<IList<T>>(observer =>
        {
            var gate = new Lock();
            var endOfTurn = new SerialDisposable();
            List<T>? current = null;

            void Emit()
            {
                lock (gate)
                {
                    if (current is { Count: > 0 } list)
                    {
                        current = null;
                        observer.OnNext(list);
                    }
                }
            }

            var subscription = source.Subscribe(
                item =>
                {
                    lock (gate)
                    {
                        (current ??= []).Add(item);
                        if (current.Count >= maxCount)
                        {
                            Emit();
                        }
                        else if (current.Count == 1)
                        {
                            endOfTurn.Disposable = scheduler.Schedule(Emit);
                        }
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        endOfTurn.Dispose();
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        endOfTurn.Dispose();
                        Emit();
                        observer.OnCompleted();
                    }
                });
            return new CompositeDisposable(subscription, endOfTurn);
        });
}
