using System.CommandLine;
using System.Reactive.Linq;
using RxFactorio.Cli.Hosting;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Replay;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Cli.Commands;

/// <summary><c>rxfactorio replay FILE... [--speed max|N]</c>: sends recordings through the same pipeline as a live game.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var files = new Argument<string[]>("FILE") { Description = "JSON Lines recordings, replayed one after another.", Arity = ArgumentArity.OneOrMore };
        var speed = new Option<string>("--speed")
        {
            Description = "max (as fast as possible) or a factor of game time: 1 = real time, 10 = ten times faster.",
            DefaultValueFactory = _ => "max",
        };
        speed.Validators.Add(r =>
        {
            if (!ReplaySpeed.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--speed '{RxFactorio.Diagnostics.Printable.Of(r.GetValueOrDefault<string>() ?? "", 40)}' must be 'max' or a positive number, e.g. 1 or 10.");
            }
        });
        var common = new CommonOptions();
        var command = new Command("replay", """
            Replay recordings through the same pipeline as a live game: one run per game session,
            rows at step = cycle, at game time (tick / 60 s) divided by --speed.
            Without a W&B API key the runs are written offline to ./wandb (upload them later with sync).
            Ctrl+C/SIGTERM stops early and still flushes and finishes every run (a second one stops at once).
            Exit code 0 when every accepted row was delivered (rejected lines are reported, not a
            failure), 1 on a runtime failure, 2 for configuration or authentication errors.

            Examples:
              rxfactorio replay samples/recordings/freeplay.jsonl
              rxfactorio replay --speed 10 --project my-factory recording.jsonl
              WANDB_BASE_URL=http://127.0.0.1:8080 WANDB_API_KEY=… rxfactorio replay two-sessions.jsonl
            """)
        {
            files, speed,
        };
        common.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files) ?? [];
            if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            {
                await environment.Error.WriteLineAsync($"rxfactorio replay: file not found: {RxFactorio.Diagnostics.Printable.Of(missing, 300)}");
                return ExitCodes.Usage;
            }
            ReplaySpeed.TryParse(parse.GetValue(speed), out var pace);
            return await CommandRunner.ExecuteAsync("replay", parse, common, (scheduler, diagnostics, _, states) =>
                paths.Select(path => states.Follow(path, RecordingReader
                        .ReadEvents(path, new FramingOptions { Diagnostics = diagnostics }, new ParseOptions { Diagnostics = diagnostics })
                        .ReplayAt(pace, scheduler)))
                    // NOTE: built eagerly, so every recording is listed (waiting) before the first one opens.
                    .ToArray()
                    .Concat(),
                WhenRunStageIsFull.Wait, environment, ct,
                replayBytes: paths.Sum(p => new FileInfo(p).Length),
                // A recording's sessions are quiet or not in its own game time, whatever the replay's speed.
                graceInGameTime: true);
        });
        return command;
    }
}
