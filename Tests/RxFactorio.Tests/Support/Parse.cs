using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Tests.Support;

/// <summary>Runs text through the real framing and parse operators.</summary>
internal static class Parse
{
    public static (List<FactorioEvent> Events, List<IngestDiagnostic> Diagnostics) Text(string text, string source = "test.jsonl") =>
        Bytes(Encoding.UTF8.GetBytes(text), source);

    public static (List<FactorioEvent> Events, List<IngestDiagnostic> Diagnostics) Bytes(byte[] bytes, string source = "test.jsonl", int chunkSize = 4096)
    {
        var events = new List<FactorioEvent>();
        var diagnostics = new List<IngestDiagnostic>();
        var sink = Observer.Create<IngestDiagnostic>(diagnostics.Add);
        var chunks = new Subject<System.Buffers.ReadOnlySequence<byte>>();
        using (chunks
            .FrameLines(source, new FramingOptions { Diagnostics = sink })
            .ParseEvents(new ParseOptions { Diagnostics = sink })
            .Subscribe(events.Add))
        {
            foreach (var chunk in bytes.Chunk(chunkSize))
            {
                chunks.OnNext(Sequences.Of(chunk));
            }
            chunks.OnCompleted();
        }
        return (events, diagnostics);
    }

    public static FactorioEvent? Line(string json, out List<IngestDiagnostic> diagnostics)
    {
        var (events, found) = Text(json + "\n");
        diagnostics = found;
        return events.SingleOrDefault();
    }

    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RxFactorio.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("RxFactorio.sln not found above the test binaries"), .. parts]);
    }
}
