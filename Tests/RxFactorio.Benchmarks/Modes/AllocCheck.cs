using System.Globalization;
using System.Reactive.Linq;
using RxFactorio.Benchmarks.Corpus;
using RxFactorio.Benchmarks.Sinks;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Benchmarks.Modes;

/// <summary>
/// <c>alloc [--lines N] [--warmup N] [--passes N]</c>: bytes allocated per line on this thread
/// (<c>GC.GetAllocatedBytesForCurrentThread</c>) by framing alone and by framing + parsing, the
/// latter minus the events' own objects, after warm-up passes over the same long-lived framer and
/// parser (names interned, JIT tiered up). Exit code 1 when either is not zero.
/// </summary>
internal static class AllocCheck
{
    public static int Run(string[] args)
    {
        var lines = CommandLine.IntOption(args, "--lines", StatsCorpus.DefaultLines);
        var warmup = CommandLine.IntOption(args, "--warmup", 10);
        var passes = CommandLine.IntOption(args, "--passes", 5);
        var corpus = lines == StatsCorpus.DefaultLines ? StatsCorpus.Default : StatsCorpus.Build(lines, StatsCorpus.DefaultChunkBytes);
        var sizes = EventSizes.Measure();
        Console.WriteLine(Invariant($"corpus: {corpus.Lines} stats lines, {corpus.Bytes.Length} bytes ({corpus.Bytes.Length / (double)corpus.Lines:N0} B/line); {warmup} warm-up + {passes} measured passes"));
        Console.WriteLine($"event objects (measured): {sizes}");
        Console.WriteLine();
        Console.WriteLine("  chunks  | path                             | B/line measured | events' own B/line | overhead B/line");
        Console.WriteLine("  --------|----------------------------------|-----------------|--------------------|----------------");

        var clean = true;
        foreach (var chunkBytes in new[] { StatsCorpus.DefaultChunkBytes, 1024 })
        {
            var chunked = corpus.Rechunked(chunkBytes);
            var label = chunkBytes >= 1024 * 1024 ? $"{chunkBytes / 1024 / 1024} MiB" : $"{chunkBytes / 1024} KiB";
            clean &= Print(label, "LineFramer (framing only)", FramingOnly(chunked, warmup, passes), 0, chunked.Lines * (long)passes);
            var (parseBytes, parseEvents) = FramingAndParsing(chunked, warmup, passes, sizes);
            clean &= Print(label, "LineFramer + EventParser", parseBytes, parseEvents, chunked.Lines * (long)passes);
            var (rxBytes, rxEvents) = RxOperators(chunked, warmup, passes, sizes);
            clean &= Print(label, "FrameLines().ParseEvents() (Rx)", rxBytes, rxEvents, chunked.Lines * (long)passes);
        }
        Console.WriteLine();
        Console.WriteLine(clean
            ? "RESULT: 0 B/line for framing and for parsing beyond the events' own objects."
            : "RESULT: allocations found beyond the events' own objects (see overhead column).");
        return clean ? 0 : 1;
    }

    private static long FramingOnly(StatsCorpus corpus, int warmup, int passes)
    {
        var counter = new LineCounter();
        using var framer = new LineFramer("alloc", new FramingOptions());
        for (var i = 0; i < warmup; i++)
        {
            Push(corpus, framer, counter);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < passes; i++)
        {
            Push(corpus, framer, counter);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static (long Bytes, long EventBytes) FramingAndParsing(StatsCorpus corpus, int warmup, int passes, EventSizes sizes)
    {
        var sink = new ParsingSink();
        using var framer = new LineFramer("alloc", new FramingOptions());
        for (var i = 0; i < warmup; i++)
        {
            Push(corpus, framer, sink);
        }
        sink.Tally.Reset();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < passes; i++)
        {
            Push(corpus, framer, sink);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Check(sink.Tally, corpus.Lines * (long)passes);
        return (allocated, sizes.Of(sink.Tally));
    }

    // NOTE: one subscription runs every pass (the source repeats the chunks), so the parser's
    // name table is warm after the first pass, as it is in a long-running ingest.
    private static (long Bytes, long EventBytes) RxOperators(StatsCorpus corpus, int warmup, int passes, EventSizes sizes)
    {
        var source = new ChunkSource(corpus.Chunks, warmup + passes);
        var tally = new EventTally();
        using (source.FrameLines("alloc").ParseEvents().Subscribe(tally))
        {
        }
        var allocated = source.AllocatedAfterPass[^1] - source.AllocatedAfterPass[warmup];
        Check(tally, corpus.Lines * (long)(warmup + passes));
        // Every pass parses the same lines, so the measured passes own passes/(warmup+passes) of the events' bytes.
        return (allocated, sizes.Of(tally) / (warmup + passes) * passes);
    }

    private static void Push(StatsCorpus corpus, LineFramer framer, IObserver<Line> lines)
    {
        foreach (var chunk in corpus.Chunks)
        {
            framer.Push(chunk, lines);
        }
    }

    private static void Check(EventTally tally, long expectedStats)
    {
        if (tally.Stats != expectedStats || tally.Rejected != 0 || tally.Other != 0)
        {
            throw new InvalidOperationException(Invariant($"parsed {tally.Stats} stats events ({tally.Rejected} rejected), expected {expectedStats}"));
        }
    }

    private static bool Print(string chunks, string path, long measured, long events, long lines)
    {
        var overhead = measured - events;
        Console.WriteLine(Invariant($"  {chunks,-7} | {path,-32} | {measured / (double)lines,15:N2} | {events / (double)lines,18:N2} | {overhead / (double)lines,14:N3}   ({overhead} B over {lines} lines)"));
        return overhead == 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
