// Embeds the RxFactorio pipeline in a console app: a recording in, a live production table out.
//
//   dotnet run --project samples/Embedding -- samples/recordings/two-sessions.jsonl
//
// The pipeline is the library's own: ReadFile → ToEvents → ObserveOn(run loop) → ToRunCommands → SendTo(sink).
// The sink is a TeeSink: our ConsoleTableSink first, then a RecordingSink we read the final lines from.
// The W&B sink is not wired here; it is one more IRunSink, added to the tee when it exists.

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxFactorio;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;
using RxFactorio.Samples.Embedding;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: dotnet run --project samples/Embedding -- RECORDING.jsonl");
    return 2;
}
var path = args[0];
if (!File.Exists(path))
{
    Console.Error.WriteLine($"no such recording: {path}");
    return 1;
}

var diagnostics = new DiagnosticCounts(keepFirst: 5);
var options = new RunOptions { BatchWindow = TimeSpan.FromSeconds(1), MaxBatchRows = 25, Diagnostics = diagnostics };
var table = new ConsoleTableSink(Console.Out, top: 10);
var recorder = new RecordingSink();
var sink = new TeeSink(table, recorder /*, wandbSink: any IRunSink */);

// NOTE: one scheduler for the whole run stage: events are observed on it, and it drives batch
// windows and idle timeouts. ObserveOn comes after ToEvents: the parser copies the borrowed bytes.
using var runLoop = new EventLoopScheduler(start => new Thread(start) { Name = "run-loop", IsBackground = true });

var delivered = await ByteSources.ReadFile(path)
    .ToEvents(Path.GetFileName(path), new FramingOptions { Diagnostics = diagnostics }, new ParseOptions { Diagnostics = diagnostics })
    .ObserveOn(runLoop)
    .ToRunCommands(options, runLoop)
    .SendTo(sink)
    .Count(); // completes when the file ends: the events complete → every run finishes → SendTo completes

Console.WriteLine();
Console.WriteLine($"{delivered} commands delivered, {diagnostics.Total} diagnostics");
foreach (var diagnostic in diagnostics.First)
{
    Console.WriteLine($"  {diagnostic}");
}
foreach (var run in recorder.StartedRuns.DistinctBy(r => r.RunId))
{
    var rows = recorder.RowsOf(run.RunId);
    var lastStep = rows.Count > 0 ? rows[^1].Step.ToString() : "-";
    Console.WriteLine($"run {run.DisplayName,-28} rows {rows.Count,5}   last step {lastStep}");
}
return 0;
