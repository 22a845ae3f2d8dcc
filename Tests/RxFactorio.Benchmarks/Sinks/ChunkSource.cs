using System.Buffers;
using System.Reactive.Disposables;

namespace RxFactorio.Benchmarks.Sinks;

/// <summary>
/// Pushes the corpus chunks synchronously on subscribe, <see cref="Passes"/> times over, then
/// completes: a file source with no I/O. Records the thread's allocated bytes after each pass.
/// </summary>
internal sealed class ChunkSource(ReadOnlySequence<byte>[] chunks, int passes = 1) : IObservable<ReadOnlySequence<byte>>
{
    public int Passes { get; } = passes;

    /// <summary><c>GC.GetAllocatedBytesForCurrentThread()</c> before the first pass and after each pass.</summary>
    public long[] AllocatedAfterPass { get; } = new long[passes + 1];

    public IDisposable Subscribe(IObserver<ReadOnlySequence<byte>> observer)
    {
        AllocatedAfterPass[0] = GC.GetAllocatedBytesForCurrentThread();
        for (var pass = 1; pass <= Passes; pass++)
        {
            foreach (var chunk in chunks)
            {
                observer.OnNext(chunk);
            }
            AllocatedAfterPass[pass] = GC.GetAllocatedBytesForCurrentThread();
        }
        observer.OnCompleted();
        return Disposable.Empty;
    }
}
