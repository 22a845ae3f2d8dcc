// Embeds the RxFactorio pipeline in a console app: a recording in, a live production table out.
//
//   dotnet run --project samples/Embedding -- samples/recordings/two-sessions.jsonl
//
// The pipeline is the library's own: ReadFile → ToEvents → ObserveOn(run loop) → ToRunCommands → SendTo(sink).
// The sink is a TeeSink: the library's RunLogSink first (the durable path the CLI runs: every row goes
// to a .wandb run log under ./wandb, and with WANDB_API_KEY set its shipper streams the logs to W&B),
// then our ConsoleTableSink, then a RecordingSink we read the final lines from.

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxFactorio;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Wandb;
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
// A recording is read as fast as the disk goes: count the session grace in its game time.
var options = new RunOptions { BatchWindow = TimeSpan.FromSeconds(1), MaxBatchRows = 25, Diagnostics = diagnostics, GraceInGameTime = true };
var table = new ConsoleTableSink(Console.Out, top: 10);
var recorder = new RecordingSink();
var apiKey = Environment.GetEnvironmentVariable("WANDB_API_KEY");
var connection = apiKey is null ? null : WandbConnection.Create(new WandbOptions { Project = "my-factory" }, new WandbCredentials(apiKey));
await using var runLog = new RunLogSink(new RunLogSinkOptions { RootDirectory = ".", Project = "my-factory" }, connection, ownsConnection: true);
runLog.Recover(); // online: ship what a previous, killed process left in ./wandb
var sink = new TeeSink(runLog, table, recorder);

// NOTE: one scheduler for the whole run stage: events are observed on it, and it drives batch
// windows and idle timeouts. ObserveOn comes after ToEvents: the parser copies the borrowed bytes.
using var runLoop = new EventLoopScheduler(start => new Thread(start) { Name = "run-loop", IsBackground = true });

var delivered = await ByteSources.ReadFile(path)
    .ToEvents(Path.GetFileName(path), new FramingOptions { Diagnostics = diagnostics }, new ParseOptions { Diagnostics = diagnostics })
    .ObserveOn(runLoop)
    .ToRunCommands(options, runLoop)
    .SendTo(sink)
    .Count(); // completes when the file ends: the events complete → every run finishes → SendTo completes

// Online, wait (bounded) until W&B has acknowledged everything; what it has not stays in the logs.
var drained = await runLog.CompleteAsync(TimeSpan.FromSeconds(30));
Console.WriteLine();
Console.WriteLine($"run logs in {runLog.Layout.WandbDirectory}{(runLog.IsOnline ? drained ? ", all delivered to W&B" : ", not all delivered yet: rxfactorio sync" : "; upload with: rxfactorio sync")}");
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
