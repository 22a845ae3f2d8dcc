using System.Reactive.Linq;

namespace RxFactorio.Runs;

/// <summary>The bounded <c>ObserveOn</c> between a source's reader and the run stage.</summary>
internal static class HandOffExtensions
{
    /// <summary>
    /// Observes <paramref name="source"/> on <paramref name="loop"/> through a queue of at most
    /// <see cref="HandOffOptions.Capacity"/> items: with <see cref="WhenRunStageIsFull.Wait"/> the
    /// producer waits for room (streaming back-pressure: a replay reads the next line only when the
    /// run log has taken the last ones). Items produced on the loop itself (a replay) go straight
    /// through, in order. Use it after the parse stage: the items must be owned, not borrowed bytes.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The items, from any thread.</param>
    /// <param name="loop">The run stage's loop.</param>
    /// <param name="options">Capacity and what to do at it; <c>null</c> waits at the default capacity.</param>
    public static IObservable<T> HandOffTo<T>(this IObservable<T> source, RunLoop loop, HandOffOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(loop);
        options ??= new HandOffOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        return Observable.Create<T>(observer =>
        {
            var handOff = new BoundedHandOff<T>(observer, loop, options);
            handOff.Subscription = source.Subscribe(handOff);
            return handOff;
        });
    }
}
