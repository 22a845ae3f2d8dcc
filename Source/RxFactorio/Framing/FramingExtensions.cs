using System.Buffers;
using System.Reactive.Linq;

namespace RxFactorio.Framing;

/// <summary>Rx operators that turn a source's chunks into lines.</summary>
public static class FramingExtensions
{
    /// <summary>
    /// Splits borrowed chunks into lines (LF or CRLF; a line may be split across chunks at any
    /// byte). Empty and blank lines are skipped but counted in line numbers; a line over
    /// <see cref="FramingOptions.MaxLineBytes"/> is skipped and reported once; when the source
    /// completes, a last line without a newline is still delivered. An empty chunk means the source
    /// starts over with new content (a tailed file truncated, rewritten in place or replaced): a last
    /// line without a newline is delivered, then line numbers restart at 1 and offsets at 0.
    /// </summary>
    /// <param name="source">The chunks; each is valid only inside its <c>OnNext</c>.</param>
    /// <param name="sourceName">The source's display name, used in line numbers and diagnostics.</param>
    /// <param name="options">Framing options; <c>null</c> uses the defaults.</param>
    /// <returns>The lines, borrowed: each is valid only inside its <c>OnNext</c>.</returns>
    public static IObservable<Line> FrameLines(
        this IObservable<ReadOnlySequence<byte>> source, string sourceName, FramingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        options ??= new FramingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineBytes, 1, nameof(options));

        return Observable.Create<Line>(observer =>
        {
            var framer = new LineFramer(sourceName, options);
            // NOTE: the lock keeps a Dispose from another thread from returning the framer's pooled
            // buffer to the pool while a Push on the source's thread is still copying into it.
            var gate = new Lock();
            var subscription = source.Subscribe(
                chunk =>
                {
                    lock (gate)
                    {
                        framer.Push(chunk, observer);
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        framer.Dispose();
                    }
                    observer.OnError(error);
                },
                () =>
                {
                    lock (gate)
                    {
                        framer.Complete(observer);
                        framer.Dispose();
                    }
                    observer.OnCompleted();
                });
            return () =>
            {
                subscription.Dispose();
                lock (gate)
                {
                    framer.Dispose();
                }
            };
        });
    }
}
