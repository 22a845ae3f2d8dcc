using System.Buffers;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxFactorio.Diagnostics;
using RxFactorio.Framing;

namespace RxFactorio.Tests.Support;

/// <summary>Pushes chunks through the real framing operator and collects owned copies of the lines.</summary>
internal static class Frame
{
    public static (List<CollectedLine> Lines, List<IngestDiagnostic> Diagnostics) Chunks(
        IEnumerable<ReadOnlySequence<byte>> chunks, int maxLineBytes = FramingOptions.DefaultMaxLineBytes, bool complete = true)
    {
        var lines = new List<CollectedLine>();
        var diagnostics = new List<IngestDiagnostic>();
        var source = new Subject<ReadOnlySequence<byte>>();
        var options = new FramingOptions { MaxLineBytes = maxLineBytes, Diagnostics = Observer.Create<IngestDiagnostic>(diagnostics.Add) };
        using (source.FrameLines("test.jsonl", options).Subscribe(line => lines.Add(CollectedLine.From(line))))
        {
            foreach (var chunk in chunks)
            {
                source.OnNext(chunk);
            }
            if (complete)
            {
                source.OnCompleted();
            }
        }
        return (lines, diagnostics);
    }
}
