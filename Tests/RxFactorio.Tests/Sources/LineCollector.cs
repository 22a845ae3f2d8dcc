using System.Buffers;
using System.Text;

namespace RxFactorio.Tests.Sources;

/// <summary>
/// Test-only framer: copies each borrowed chunk and splits it on '\n', recording lines,
/// chunk count, completion and error.
/// </summary>
internal sealed class LineCollector : IObserver<ReadOnlySequence<byte>>, IDisposable
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<byte> _bytes = [];
    private readonly List<byte> _partial = [];
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _subscription;
    private int _chunks;

    private LineCollector()
    {
    }

    /// <summary>Completes on OnCompleted, faults with the error on OnError.</summary>
    public Task End => _end.Task;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public byte[] AllBytes
    {
        get
        {
            lock (_gate)
            {
                return [.. _bytes];
            }
        }
    }

    /// <summary>Bytes after the last '\n'.</summary>
    public string Partial
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString([.. _partial]);
            }
        }
    }

    public int Chunks => Volatile.Read(ref _chunks);

    public static LineCollector Subscribe(IObservable<ReadOnlySequence<byte>> source)
    {
        var collector = new LineCollector();
        collector._subscription = source.Subscribe(collector);
        return collector;
    }

    public Task WaitForLinesAsync(int count) =>
        Wait.UntilAsync(() => Lines.Count >= count, () => $"expected {count} lines, got {Lines.Count}: [{string.Join(", ", Lines.TakeLast(5))}]");

    public void OnNext(ReadOnlySequence<byte> value)
    {
        Interlocked.Increment(ref _chunks);
        lock (_gate)
        {
            foreach (ReadOnlyMemory<byte> segment in value)
            {
                foreach (byte b in segment.Span)
                {
                    _bytes.Add(b);
                    if (b == (byte)'\n')
                    {
                        _lines.Add(Encoding.UTF8.GetString([.. _partial]));
                        _partial.Clear();
                    }
                    else
                    {
                        _partial.Add(b);
                    }
                }
            }
        }
    }

    public void OnError(Exception error) => _end.TrySetException(error);

    public void OnCompleted() => _end.TrySetResult();

    public void Dispose() => _subscription?.Dispose();
}
