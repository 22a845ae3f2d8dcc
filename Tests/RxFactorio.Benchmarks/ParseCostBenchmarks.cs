using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using BenchmarkDotNet.Attributes;
using RxFactorio.Benchmarks.Corpus;
using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Benchmarks;

/// <summary>
/// Where the parse time goes, on the same corpus, lines already split: the floors that any
/// <see cref="Utf8JsonReader"/>-based parser pays (UTF-8 validation, walking the tokens, parsing
/// the ~60 doubles), next to <see cref="EventParser.Parse"/> itself. Not part of the ratio goal.
/// </summary>
[Config(typeof(IngestConfig))]
public class ParseCostBenchmarks
{
    private byte[] _bytes = [];
    private (int Start, int Length)[] _lines = [];
    private EventParser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = StatsCorpus.Default.Bytes;
        var lines = new List<(int, int)>();
        for (var start = 0; start < _bytes.Length;)
        {
            var length = _bytes.AsSpan(start).IndexOf((byte)'\n');
            lines.Add((start, length));
            start += length + 1;
        }
        _lines = [.. lines];
        _parser = new EventParser();
    }

    [Benchmark]
    public int Utf8Validate()
    {
        var valid = 0;
        foreach (var (start, length) in _lines)
        {
            valid += Utf8.IsValid(_bytes.AsSpan(start, length)) ? 1 : 0;
        }
        return valid;
    }

    [Benchmark]
    public long ReaderTokensOnly()
    {
        long tokens = 0;
        foreach (var (start, length) in _lines)
        {
            var reader = new Utf8JsonReader(_bytes.AsSpan(start, length));
            while (reader.Read())
            {
                tokens++;
            }
        }
        return tokens;
    }

    [Benchmark]
    public double ReaderTokensAndDoubles()
    {
        double sum = 0;
        foreach (var (start, length) in _lines)
        {
            var reader = new Utf8JsonReader(_bytes.AsSpan(start, length));
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value))
                {
                    sum += value;
                }
            }
        }
        return sum;
    }

    [Benchmark(Baseline = true)]
    public long EventParserParse()
    {
        long checksum = 0;
        foreach (var (start, length) in _lines)
        {
            var line = new Line(new ReadOnlySequence<byte>(_bytes, start, length), "bench", 1, start + length + 1);
            checksum += _parser.Parse(line) is StatsEvent stats ? stats.Production.Length : 0;
        }
        return checksum;
    }
}
