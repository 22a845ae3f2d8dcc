using System.Buffers;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxFactorio.Sources;

/// <summary>Follows a growing regular file (see <see cref="TailStream"/>).</summary>
internal static class TailFileSource
{
    public static IObservable<ReadOnlySequence<byte>> Create(string path, TailOptions options, ILogger logger) =>
        Observable.Create<ReadOnlySequence<byte>>((observer, cancellationToken) =>
            Task.Run(() => RunAsync(path, options, logger, observer, cancellationToken), CancellationToken.None));

    private static async Task RunAsync(
        string path,
        TailOptions options,
        ILogger logger,
        IObserver<ReadOnlySequence<byte>> observer,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = new SourceStateReporter(path, options.StateChanged);
        var stream = new TailStream(path, options, logger, state);
        Action? afterChunk = options.PositionChanged is { } report ? () => report(stream.CurrentPosition) : null;
        await state.RunAsync(
            () => ChunkPump.RunAsync(stream, path, logger, observer, afterChunk, cancellationToken, stream.TakeStartOver),
            cancellationToken).ConfigureAwait(false);
    }
}
