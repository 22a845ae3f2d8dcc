using System.Reactive;
using Microsoft.Reactive.Testing;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Tests.Support;

/// <summary>
/// Runs JSON lines through the real framing, parser and run stage in virtual time: one event
/// per virtual tick, then the end of the source, into a <see cref="RecordingSink"/>.
/// </summary>
internal static class LinesThroughRuns
{
    public static readonly RunOptions Fast = new() { BatchWindow = TimeSpan.FromTicks(50), IdleTimeout = TimeSpan.Zero };

    public static (RecordingSink Sink, List<IngestDiagnostic> Diagnostics) Run(string text, RunOptions? options = null) =>
        Run(Parse.Text(text), options);

    public static (RecordingSink Sink, List<IngestDiagnostic> Diagnostics) Run(
        (List<FactorioEvent> Events, List<IngestDiagnostic> Diagnostics) parsed, RunOptions? options = null)
    {
        var scheduler = new TestScheduler();
        var sink = new RecordingSink(scheduler);
        var diagnostics = new List<IngestDiagnostic>(parsed.Diagnostics);
        var messages = parsed.Events
            .Select((e, i) => new Recorded<Notification<FactorioEvent>>(210 + i, Notification.CreateOnNext(e)))
            .Append(new Recorded<Notification<FactorioEvent>>(210 + parsed.Events.Count, Notification.CreateOnCompleted<FactorioEvent>()))
            .ToArray();
        var events = scheduler.CreateHotObservable(messages);
        var effective = (options ?? Fast) with { Diagnostics = Observer.Create<IngestDiagnostic>(diagnostics.Add), Random = new Random(7) };
        scheduler.Start(() => events.ToRunCommands(effective, scheduler).SendTo(sink), 100, 200, 10_000_000);
        return (sink, diagnostics);
    }
}
