using RxFactorio.Framing;

namespace RxFactorio.Benchmarks.Sinks;

/// <summary>Counts framed lines and their bytes: the framing-only consumer.</summary>
internal sealed class LineCounter : IObserver<Line>
{
    public long Lines { get; private set; }

    public long Bytes { get; private set; }

    public void Reset() => (Lines, Bytes) = (0, 0);

    public void OnNext(Line value)
    {
        Lines++;
        Bytes += value.Bytes.Length;
    }

    public void OnError(Exception error) => throw error;

    public void OnCompleted()
    {
    }
}
