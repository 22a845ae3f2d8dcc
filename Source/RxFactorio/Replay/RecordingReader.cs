using System.Buffers;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Replay;

/// <summary>Reads a recording's events lazily, a chunk at a time, so a replay of any size holds only a chunk in memory.</summary>
public static class RecordingReader
{
    private const int ChunkBytes = 64 * 1024;

    private const int ChunksAhead = 4;

    /// <summary>
    /// Reads the events of a JSON Lines recording in order, with the same framing and parsing as a
    /// live source. The file is read and parsed on a thread of its own, at most a few 64 KiB chunks
    /// ahead of the consumer (so a replay's run stage and parse use two cores, and memory stays flat);
    /// an error reading the file surfaces, after the events before it, from the enumerator.
    /// </summary>
    /// <param name="path">The recording's path; the source name of its events.</param>
    /// <param name="framing">Framing options; <c>null</c> uses the defaults.</param>
    /// <param name="parsing">Parse options; <c>null</c> uses the defaults.</param>
    public static IEnumerable<FactorioEvent> ReadEvents(string path, FramingOptions? framing = null, ParseOptions? parsing = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadAhead(path, framing ?? new FramingOptions(), parsing);
    }

    private static IEnumerable<FactorioEvent> ReadAhead(string path, FramingOptions framing, ParseOptions? parsing)
    {
        using var chunks = new System.Collections.Concurrent.BlockingCollection<List<FactorioEvent>>(ChunksAhead);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var reader = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var chunk in ReadChunks(path, framing, parsing))
                {
                    chunks.Add(chunk, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                chunks.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var chunk in chunks.GetConsumingEnumerable())
            {
                foreach (var e in chunk)
                {
                    yield return e;
                }
            }
            reader.Wait();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            // NOTE: a consumer that stops early cancels the read-ahead, and the thread is over before the collection is disposed.
            stop.Cancel();
            reader.Wait();
        }
    }

    /// <summary>The events of each 64 KiB read, in order (on the read-ahead thread).</summary>
    private static IEnumerable<List<FactorioEvent>> ReadChunks(string path, FramingOptions framing, ParseOptions? parsing)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ChunkBytes, FileOptions.SequentialScan);
        using var framer = new LineFramer(path, framing);
        var collector = new ParsingCollector(new EventParser(parsing));
        var buffer = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            framer.Push(new ReadOnlySequence<byte>(buffer, 0, read), collector);
            yield return collector.Drain();
        }
        framer.Complete(collector);
        yield return collector.Drain();
    }

    private sealed class ParsingCollector(EventParser parser) : IObserver<Line>
    {
        private List<FactorioEvent> _events = [];

        /// <summary>The events parsed since the last call; the collector starts a new list.</summary>
        public List<FactorioEvent> Drain()
        {
            var drained = _events;
            _events = new List<FactorioEvent>(drained.Count);
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
