using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace RxFactorio.Cli.Discovery;

/// <summary>Finds the files of a <see cref="SourcePattern"/> as they appear.</summary>
internal static class PatternWatch
{
    /// <summary>
    /// Each file of <paramref name="pattern"/> once: those there at subscription at once, then each
    /// new one at the next look, every <paramref name="interval"/> on <paramref name="scheduler"/>.
    /// A file that goes away and comes back is not told again (its source follows its path). Never completes.
    /// </summary>
    public static IObservable<FoundSource> Watch(this SourcePattern pattern, TimeSpan interval, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable.Defer(() =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return Observable.Timer(TimeSpan.Zero, interval, scheduler)
                .SelectMany(_ => pattern.Find().Where(found => seen.Add(found.Path)).ToList());
        });
    }
}
