using System.Buffers;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Replay;

/// <summary>Reads a recording's events lazily, a chunk at a time, so a replay of any size holds only a chunk in memory.</summary>
public static class RecordingReader
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Reads the events of a JSON Lines recording in order, with the same framing and parsing as a live source.</summary>
    /// <param name="path">The recording's path; the source name of its events.</param>
    /// <param name="framing">Framing options; <c>null</c> uses the defaults.</param>
    /// <param name="parsing">Parse options; <c>null</c> uses the defaults.</param>
    public static IEnumerable<FactorioEvent> ReadEvents(string path, FramingOptions? framing = null, ParseOptions? parsing = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ChunkBytes, FileOptions.SequentialScan);
        using var framer = new LineFramer(path, framing ?? new FramingOptions());
        var collector = new ParsingCollector(new EventParser(parsing));
        var buffer = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            framer.Push(new ReadOnlySequence<byte>(buffer, 0, read), collector);
            foreach (var e in collector.Drain())
            {
                yield return e;
            }
        }
        framer.Complete(collector);
        foreach (var e in collector.Drain())
        {
            yield return e;
        }
    }

    private sealed class ParsingCollector(EventParser parser) : IObserver<Line>
    {
        private readonly List<FactorioEvent> _events = [];

        public List<FactorioEvent> Drain()
        {
            var drained = new List<FactorioEvent>(_events);
            _events.Clear();
            return drained;
        }

        public void OnNext(Line value)
        {
            if (parser.Parse(value) is { } e)
            {
                _events.Add(e);
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
