using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RxFactorio.Benchmarks.Corpus;

namespace RxFactorio.Benchmarks;

/// <summary>Divides a whole-corpus result by the corpus's line count (or its size, for MB/s).</summary>
internal sealed class PerLineColumn(PerLineColumn.Kind kind, int lines) : IColumn
{
    public enum Kind
    {
        TimePerLine,
        BytesPerLine,
        Throughput,
    }

    public string Id => $"{nameof(PerLineColumn)}.{kind}";

    public string ColumnName => kind switch
    {
        Kind.TimePerLine => "Mean/line",
        Kind.BytesPerLine => "Alloc/line",
        _ => "MB/s",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.TimePerLine => $"Mean / {lines} lines",
        Kind.BytesPerLine => $"Allocated / {lines} lines",
        _ => "corpus size (10^6 bytes) / Mean in seconds",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var mean = report?.ResultStatistics?.Mean;
        if (report is null || mean is null)
        {
            return "NA";
        }
        switch (kind)
        {
            case Kind.TimePerLine:
                return string.Create(CultureInfo.InvariantCulture, $"{mean.Value / lines:N1} ns");
            case Kind.BytesPerLine:
                var allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
                return allocated is null ? "NA" : string.Create(CultureInfo.InvariantCulture, $"{(double)allocated / lines:N1} B");
            default:
                var megabytes = StatsCorpus.Default.Bytes.Length / 1e6;
                return string.Create(CultureInfo.InvariantCulture, $"{megabytes / (mean.Value / 1e9):N0}");
        }
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
