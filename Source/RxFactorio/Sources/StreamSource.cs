using System.Buffers;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxFactorio.Sources;

/// <summary>A finite stream (stdin, a recording) read to its end.</summary>
internal static class StreamSource
{
    public static IObservable<ReadOnlySequence<byte>> Create(Func<Stream> open, string name, ILogger logger, Action<SourceState>? stateChanged = null) =>
        Observable.Create<ReadOnlySequence<byte>>((observer, cancellationToken) =>
            // NOTE: run the loop on the thread pool so that Subscribe returns at once, even when
            // every read completes synchronously; otherwise the caller could not dispose mid-read.
            Task.Run(() => RunAsync(open, name, logger, new SourceStateReporter(name, stateChanged), observer, cancellationToken), CancellationToken.None));

    private static async Task RunAsync(
        Func<Stream> open,
        string name,
        ILogger logger,
        SourceStateReporter state,
        IObserver<ReadOnlySequence<byte>> observer,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await state.RunAsync(
            async () =>
            {
                Stream stream = open();
                state.Report(SourceState.Open);
                await ChunkPump.RunAsync(stream, name, logger, observer, afterChunk: null, cancellationToken).ConfigureAwait(false);
                SourceLog.StreamEnded(logger, name);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
