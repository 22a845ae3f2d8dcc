using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;
using RxFactorio.Benchmarks.Corpus;

namespace RxFactorio.Benchmarks;

/// <summary>
/// ShortRun-style (1 launch, 3 warm-ups) but with 10 iterations of at least 250 ms, because one
/// operation is a whole ~21 MB corpus (70–130 ms) and 3 single-operation iterations were too
/// noisy; memory and per-line columns. A full run of IngestBenchmarks takes about a minute.
/// </summary>
internal sealed class IngestConfig : ManualConfig
{
    public IngestConfig()
    {
        AddJob(Job.ShortRun.WithIterationCount(10).WithMinIterationTime(TimeInterval.FromMilliseconds(250)).WithId("ShortRun10"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new PerLineColumn(PerLineColumn.Kind.TimePerLine, StatsCorpus.DefaultLines));
        AddColumn(new PerLineColumn(PerLineColumn.Kind.BytesPerLine, StatsCorpus.DefaultLines));
        AddColumn(new PerLineColumn(PerLineColumn.Kind.Throughput, StatsCorpus.DefaultLines));
    }
}
