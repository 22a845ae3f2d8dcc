using BenchmarkDotNet.Running;
using RxFactorio.Benchmarks.Modes;

return args.FirstOrDefault() switch
{
    "alloc" => AllocCheck.Run(args[1..]),
    "generate" => RecordingGenerator.Run(args[1..]),
    "check" => RecordingCheck.Run(args[1..]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(RxFactorio.Benchmarks.IngestBenchmarks).Assembly).Run(args);
    return 0;
}
