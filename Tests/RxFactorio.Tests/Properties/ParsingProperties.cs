using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Properties;

/// <summary>
/// Framing and parsing of hostile streams: valid lines mixed with garbage, truncated lines,
/// surrogate escapes, control characters, huge and odd numbers, deep nesting, duplicate and
/// reserved keys, random cycles, read in random chunk sizes.
/// </summary>
public sealed class ParsingProperties
{
    private const string Source = "p.jsonl";

    [Test]
    public void Parsing_HostileStreams_NeverThrow_AndAccountForEveryLineOnce() =>
        PropertyCheck.Run(HostileLines.Stream, s =>
        {
            var (events, diagnostics) = Parse.Bytes(HostileLines.Join(s.Lines, s.Crlf, s.LastTerminated), Source, s.ChunkSize);

            var read = Enumerable.Range(1, s.Lines.Length).Select(n => (long)n).Where(n => !HostileLines.IsBlank(s.Lines[n - 1]));
            var lineOutcomes = events.Select(e => e.LineNumber)
                .Concat(diagnostics.Where(d => d.Severity != DiagnosticSeverity.PartDropped).Select(d => d.LineNumber))
                .Order();
            Assert.That(lineOutcomes, Is.EqualTo(read), "every non-blank line read is accepted, rejected or skipped, once");
            Assert.That(events.Select(e => e.Source).Concat(diagnostics.Select(d => d.Source)), Is.All.EqualTo(Source));
            Assert.That(diagnostics.Where(d => d.Severity == DiagnosticSeverity.PartDropped).Select(d => d.LineNumber).Distinct(),
                Is.SubsetOf(events.Select(e => e.LineNumber)), "a dropped value belongs to an accepted line");
        }, iterations: 600, print: s => HostileLines.Describe(s.Lines));

    [Test]
    public void Parsing_WhatIsAccepted_IsWellFormedUnicode_WithACycleTheTickAllows_AndNoReservedMetric() =>
        PropertyCheck.Run(HostileLines.Stream, s =>
        {
            var (events, _) = Parse.Bytes(HostileLines.Join(s.Lines, s.Crlf, s.LastTerminated), Source, s.ChunkSize);

            foreach (var e in events)
            {
                var texts = new List<string?> { e.SessionId };
                switch (e)
                {
                    case StatsEvent stats:
                        Assert.That(Math.Abs(stats.Cycle - stats.Tick / 120), Is.LessThanOrEqualTo(1), $"line {e.LineNumber}: cycle {stats.Cycle}, tick {stats.Tick}");
                        Assert.That(stats.Metrics.Select(m => m.Name).Where(RxFactorio.Runs.ReservedKeys.IsReserved), Is.Empty, $"line {e.LineNumber}");
                        texts.AddRange(stats.Production.Concat(stats.Consumption).Concat(stats.Metrics).Select(m => m.Name));
                        texts.AddRange([stats.Surface, stats.ScreenshotPath]);
                        Assert.That(stats.Production.Concat(stats.Consumption).Concat(stats.Metrics).Select(m => m.Value), Is.All.Matches<double>(double.IsFinite));
                        break;
                    case GameEvent game:
                        texts.Add(game.EventName);
                        texts.AddRange(game.Fields.Select(f => f.Name));
                        texts.AddRange(game.Fields.Select(f => f.DisplayValue));
                        break;
                    case SessionInit init:
                        texts.Add(init.LevelName);
                        break;
                }
                Assert.That(texts.Where(t => !JsonText.IsWellFormed(t)), Is.Empty, $"line {e.LineNumber} holds a lone surrogate");
            }
        }, iterations: 400, print: s => HostileLines.Describe(s.Lines));

    [Test]
    public void Parsing_EveryDiagnostic_IsOnePrintableLine() =>
        PropertyCheck.Run(HostileLines.Stream, s =>
        {
            var (_, diagnostics) = Parse.Bytes(HostileLines.Join(s.Lines, s.Crlf, s.LastTerminated), Source, s.ChunkSize);

            foreach (var d in diagnostics)
            {
                Assert.That(Printable.IsPrintable(d.ToString()), Is.True, d.ToString());
                Assert.That(d.Excerpt.Length, Is.LessThanOrEqualTo(IngestDiagnostic.MaxExcerptChars + 1));
            }
        }, iterations: 400, print: s => HostileLines.Describe(s.Lines));
}
