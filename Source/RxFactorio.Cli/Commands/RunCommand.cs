using System.CommandLine;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Hosting;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Commands;

/// <summary><c>rxfactorio run [--source PATH]...</c>: streams a live game to W&amp;B until stopped.</summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var sources = new Option<string[]>("--source")
        {
            Description = $"A FIFO, a file the game appends to, udp://127.0.0.1:PORT (the port the game sends to with --enable-lua-udp), or - for stdin; repeat for several games, kinds may be mixed. Default: {DefaultSource()}",
            AllowMultipleArgumentsPerToken = false,
        };
        var fromEnd = new Option<bool>("--from-end") { Description = "For a tailed file: skip what is already in it and read only new lines." };
        var udpAllowRemote = new Option<bool>("--udp-allow-remote") { Description = "Allow a udp:// source on an address that is not loopback, e.g. udp://0.0.0.0:34200 (anyone who reaches the port can write telemetry)." };
        var common = new CommonOptions();
        var command = new Command("run", """
            Stream a live game to W&B: read the mod's JSON Lines from a FIFO, a file or a UDP port, one
            run per game session, until Ctrl+C or SIGTERM; then every run is flushed and finished within
            --shutdown-timeout (a second Ctrl+C/SIGTERM stops at once, leaving runs unfinished).
            Exit code 0 when every accepted row was delivered (rejected lines are reported, not a
            failure), 1 on a runtime failure, 2 for configuration or authentication errors.
            Start it BEFORE the game: it creates the FIFO, and a game writing to a FIFO that nobody
            reads freezes. A UDP port never blocks the game, but what it sends while nothing listens
            is lost.

            Examples:
              rxfactorio run
              rxfactorio run --source ~/.factorio/script-output/events.pipe --project my-factory
              rxfactorio run --source server1/events.jsonl --source server2/events.jsonl --from-end
              rxfactorio run --source udp://127.0.0.1:34200 --source udp://127.0.0.1:34201
              rxfactorio run --health-url http://127.0.0.1:9464 --log-format json
              rxfactorio run --print-config
            """)
        {
            sources, fromEnd, udpAllowRemote,
        };
        common.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var given = parse.GetValue(sources) is { Length: > 0 } flags ? flags : null;
            var paths = given ?? [DefaultSource()];
            var tail = new TailOptions { FromEnd = parse.GetValue(fromEnd) };
            var allowRemote = parse.GetValue(udpAllowRemote);
            if (UdpSources.FirstError(paths, allowRemote) is { } error)
            {
                environment.Error.WriteLine($"rxfactorio run: --source {error}");
                return Task.FromResult(ExitCodes.Usage);
            }
            var recovery = SourceRecovery.None;
            return CommandRunner.ExecuteAsync("run", parse, common, (_, diagnostics, loggers, states) =>
                paths.Select(path => recovery.Open(
                        path,
                        // A tailed file reads on from its checkpoint (what is in the run log already is not read again).
                        tail,
                        new FramingOptions { Diagnostics = diagnostics },
                        new ParseOptions { Diagnostics = diagnostics },
                        loggers.CreateLogger("rxfactorio.source"),
                        states.Track(path),
                        new UdpSourceOptions { AllowRemote = allowRemote, Diagnostics = diagnostics }))
                    .Merge(),
                // NOTE: a live game must never wait on us (a FIFO writer would freeze the game), so a
                // slow W&B makes the backlog grow, with a warning, instead of slowing the reading.
                // Online, HandleAsync only appends to the run log: W&B's pace never holds rows in memory.
                WhenRunStageIsFull.Warn, environment, ct,
                sources: (paths, given is null ? "(default)" : "(from command-line flags)"),
                recover: (settings, logger) => recovery = SinkFactory.IsOnline(settings, environment)
                    ? SourceRecovery.Load(paths, settings.Directory, logger)
                    : SourceRecovery.None,
                liveSources: true);
        });
        return command;
    }

    /// <summary><c>events.pipe</c> in the platform's Factorio <c>script-output</c> folder.</summary>
    public static string DefaultSource()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        var folder = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "Factorio", "script-output")
            : OperatingSystem.IsMacOS()
                ? Path.Combine(home, "Library", "Application Support", "factorio", "script-output")
                : Path.Combine(home, ".factorio", "script-output");
        return Path.Combine(folder, "events.pipe");
    }
}
