using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using RxFactorio.Benchmarks.Sinks;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Benchmarks.Modes;

/// <summary>
/// <c>check FILE</c>: reads a recording in 64 KiB chunks through <c>LineFramer</c> and
/// <c>EventParser</c> in-process and counts events and diagnostics: proof that a generated
/// recording is accepted, and the library's own MB/s on it (file I/O included, no CLI).
/// </summary>
internal static class RecordingCheck
{
    public static int Run(string[] args)
    {
        var path = CommandLine.Positional(args);
        if (path is null)
        {
            Console.Error.WriteLine("usage: check FILE.jsonl");
            return 2;
        }
        var diagnostics = new DiagnosticCounter();
        var tally = new EventTally();
        var parser = new EventParser(new ParseOptions { Diagnostics = diagnostics });
        var sink = new ParsingObserver(parser, tally);
        var buffer = new byte[64 * 1024];
        var stopwatch = Stopwatch.StartNew();
        long bytes = 0;
        using (var framer = new LineFramer(path, new FramingOptions { Diagnostics = diagnostics }))
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                bytes += read;
                framer.Push(new ReadOnlySequence<byte>(buffer, 0, read), sink);
            }
            framer.Complete(sink);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {bytes / 1e6:N1} MB in {seconds:N2} s = {bytes / 1e6 / seconds:N0} MB/s in-process; {tally.Stats} stats, {tally.Other} other events, {tally.Rejected} rejected, {diagnostics.Count} diagnostics"));
        return tally.Rejected == 0 && diagnostics.Count == 0 ? 0 : 1;
    }

    private sealed class ParsingObserver(EventParser parser, EventTally tally) : IObserver<Line>
    {
        public void OnNext(Line value) => tally.Add(parser.Parse(value));

        public void OnError(Exception error) => throw error;

        public void OnCompleted()
        {
        }
    }

    private sealed class DiagnosticCounter : IObserver<IngestDiagnostic>
    {
        public long Count { get; private set; }

        public void OnNext(IngestDiagnostic value)
        {
            if (Count++ < 5)
            {
                Console.Error.WriteLine(value);
            }
        }

        public void OnError(Exception error) => throw error;

        public void OnCompleted()
        {
        }
    }
}
