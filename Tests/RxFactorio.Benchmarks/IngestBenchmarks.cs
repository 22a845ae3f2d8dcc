using System.Buffers;
using System.Reactive.Linq;
using BenchmarkDotNet.Attributes;
using RxFactorio.Benchmarks.Baseline;
using RxFactorio.Benchmarks.Corpus;
using RxFactorio.Benchmarks.Sinks;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Benchmarks;

/// <summary>
/// Framing and parsing of the whole <see cref="StatsCorpus"/> (10,000 stats lines, ~60 items
/// each, 64 KiB chunks) per operation. See the PerLine and MB/s columns for per-line numbers.
/// </summary>
[Config(typeof(IngestConfig))]
public class IngestBenchmarks
{
    private readonly FramingOptions _framingOptions = new();
    private ReadOnlySequence<byte>[] _chunks = [];
    private BaselineIngest _baseline = null!;
    private ParsingSink _parsing = null!;
    private LineCounter _counter = null!;
    private EventTally _rxTally = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chunks = StatsCorpus.Default.Chunks;
        _baseline = new BaselineIngest();
        _parsing = new ParsingSink();
        _counter = new LineCounter();
        _rxTally = new EventTally();
    }

    /// <summary>(a) Split lines, <c>JsonSerializer.Deserialize</c> each into a dictionary-based record (source-generated context).</summary>
    [Benchmark(Baseline = true)]
    public long StjDeserializeBaseline() => _baseline.Run(_chunks);

    /// <summary>(b) <c>LineFramer</c> + <c>EventParser</c>, producing <see cref="StatsEvent"/>s; one parser for all runs (names interned).</summary>
    [Benchmark]
    public long FrameAndParse()
    {
        _parsing.Tally.Reset();
        using var framer = new LineFramer("bench", _framingOptions);
        foreach (var chunk in _chunks)
        {
            framer.Push(chunk, _parsing);
        }
        framer.Complete(_parsing);
        return _parsing.Tally.Checksum;
    }

    /// <summary>(c) <c>LineFramer</c> alone.</summary>
    [Benchmark]
    public long FrameOnly()
    {
        _counter.Reset();
        using var framer = new LineFramer("bench", _framingOptions);
        foreach (var chunk in _chunks)
        {
            framer.Push(chunk, _counter);
        }
        framer.Complete(_counter);
        return _counter.Bytes;
    }

    /// <summary>(d) The public Rx operators <c>FrameLines().ParseEvents()</c>; a new parser (and name table) per run.</summary>
    [Benchmark]
    public long RxFrameLinesParseEvents()
    {
        _rxTally.Reset();
        using var subscription = new ChunkSource(_chunks).FrameLines("bench").ParseEvents().Subscribe(_rxTally);
        return _rxTally.Checksum;
    }
}
