using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Commands;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Discovery;

/// <summary>
/// The sources of one <c>run</c>: those named, read at once, and those its globs and folders find,
/// now and while running (<see cref="SourcePattern"/>), each read as if named with its own
/// <c>--source</c>, and each once (<see cref="SourceCatalog"/>, which also keeps their labels).
/// </summary>
internal sealed partial class FleetSources
{
    private readonly List<string> _named = [];
    private readonly List<string> _givenTwice = [];
    private readonly List<SourcePattern> _patterns = [];

    public FleetSources(IEnumerable<SourceArgument> arguments)
    {
        foreach (var argument in arguments)
        {
            if (SourcePattern.IsPattern(argument.Path))
            {
                _patterns.Add(SourcePattern.Create(argument.Path, argument.Label));
            }
            else if (Catalog.TryAdd(argument.Path, argument.Label ?? SourceLabel.Default(argument.Path)))
            {
                _named.Add(argument.Path);
            }
            else
            {
                _givenTwice.Add(argument.Path);
            }
        }
    }

    /// <summary>Every source read, with its label.</summary>
    public SourceCatalog Catalog { get; } = new();

    /// <summary>The sources there are now: the named ones, then what each pattern matches now (for crash recovery at the start).</summary>
    public IReadOnlyList<string> SourcesNow() =>
        [.. _named, .. _patterns.SelectMany(p => p.Find()).Select(f => f.Path).Where(p => Catalog.NameOf(p) is null).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The events of every source: each named one opened with <paramref name="open"/> at once, each file
    /// a pattern finds when found; the patterns are looked at every <see cref="SourcePattern.PollInterval"/> on <paramref name="scheduler"/>.
    /// </summary>
    public IObservable<FactorioEvent> Events(ILogger logger, Func<string, IObservable<FactorioEvent>> open, IScheduler? scheduler = null)
    {
        foreach (var path in _givenTwice)
        {
            LogGivenTwice(logger, Printable.Of(path, 200));
        }
        var named = _named.Select(open);
        var found = _patterns.Select(pattern =>
        {
            LogWatching(logger, Printable.Of(pattern.Text, 200), SourcePattern.PollInterval.TotalSeconds);
            return pattern.Watch(SourcePattern.PollInterval, scheduler ?? DefaultScheduler.Instance)
                .Where(file => Accept(logger, pattern, file))
                .SelectMany(file => open(file.Path));
        });
        return named.Concat(found).Merge();
    }

    private bool Accept(ILogger logger, SourcePattern pattern, FoundSource file)
    {
        if (Catalog.TryAdd(file.Path, file.Label))
        {
            LogFound(logger, Printable.Of(file.Path, 200), Printable.Of(pattern.Text, 200), file.Label);
            return true;
        }
        LogReadAlready(logger, Printable.Of(file.Path, 200), Printable.Of(pattern.Text, 200), Printable.Of(Catalog.NameOf(file.Path) ?? file.Path, 200));
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Looking for files matching {Pattern} (now and every {Seconds}s)")]
    private static partial void LogWatching(ILogger logger, string pattern, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Found {Path} (matches {Pattern}): reading it, label {Label}")]
    private static partial void LogFound(ILogger logger, string path, string pattern, string label);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} matches {Pattern} and is read already as {Source}")]
    private static partial void LogReadAlready(ILogger logger, string path, string pattern, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "--source {Path} names a source given already: it is read once")]
    private static partial void LogGivenTwice(ILogger logger, string path);
}
