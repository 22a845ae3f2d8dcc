using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Mod;

/// <summary>One file pushed through the real pipeline, and what came out.</summary>
internal sealed record PipelineResult(
    IReadOnlyList<FactorioEvent> Events,
    DiagnosticCounts Diagnostics,
    RecordingSink Sink,
    IList<Recorded<Notification<RunCommand>>> Delivered)
{
    public IReadOnlyList<RunInfo> Runs => Sink.StartedRuns;

    public IReadOnlyList<RunCommand> Commands => [.. Sink.Commands.Select(c => c.Command)];

    public string DiagnosticReport => $"{Diagnostics.Total} diagnostics:\n{string.Join("\n", Diagnostics.First)}";
}

/// <summary>
/// Reads a JSONL file with the real <see cref="ByteSources.ReadFile"/> → <c>ToEvents</c> (real I/O),
/// then replays the parsed events in virtual time, one game second per second
/// (an event at game tick <c>t</c> arrives at <c>t / 60</c> s), into <c>ToRunCommands</c> →
/// <c>SendTo(RecordingSink)</c> on a <see cref="TestScheduler"/>.
/// </summary>
internal static class PipelineReplay
{
    private const long Subscribed = 100;
    private const long Origin = 1_000;

    public static async Task<PipelineResult> RunAsync(string path, string sourceName, RunOptions? options = null)
    {
        var diagnostics = new DiagnosticCounts();
        IReadOnlyList<FactorioEvent> events = [.. await ByteSources.ReadFile(path)
            .ToEvents(sourceName, new FramingOptions { Diagnostics = diagnostics }, new ParseOptions { Diagnostics = diagnostics })
            .ToList()];

        var scheduler = new TestScheduler();
        var messages = events
            .Select(e => ReactiveTest.OnNext(At(e.Tick), e))
            .Append(ReactiveTest.OnCompleted<FactorioEvent>(At(events.Count == 0 ? 0 : events[^1].Tick) + TimeSpan.TicksPerSecond))
            .ToArray();
        var hot = scheduler.CreateHotObservable(messages);
        var sink = new RecordingSink(scheduler);
        var runOptions = (options ?? new RunOptions()) with { Random = new Random(7), Diagnostics = diagnostics };

        var delivered = scheduler.Start(
            () => hot.ToRunCommands(runOptions, scheduler).SendTo(sink),
            created: 0, subscribed: Subscribed, disposed: long.MaxValue);

        return new PipelineResult(events, diagnostics, sink, delivered.Messages);
    }

    private static long At(long gameTick) => Origin + (gameTick * TimeSpan.TicksPerSecond / 60);
}
