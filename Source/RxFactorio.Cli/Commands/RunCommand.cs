using System.CommandLine;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Discovery;
using RxFactorio.Cli.Hosting;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Commands;

/// <summary><c>rxfactorio run [--source [LABEL=]PATH]...</c>: streams a live game (or a fleet of them) to W&amp;B until stopped.</summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var sources = new Option<string[]>("--source")
        {
            Description = "[LABEL=]WHAT. WHAT: a FIFO, a file the game appends to, a glob ('script-output/*.jsonl'; * and ? within a name, ** any folders) " +
                "or a folder (its *.jsonl files and FIFOs), whose files found later are read too (looked for every second), udp://127.0.0.1:PORT " +
                "(the port the game sends to with --enable-lua-udp), or - for stdin; repeat for several games, kinds may be mixed. " +
                "LABEL (letters, digits, . _ -) is the runs' config 'source' and tag (--label-as); default: the file name without extension, " +
                $"udp-PORT, stdin; for a glob, what its wildcards matched (with LABEL- before it when given). Default: {DefaultSource()}",
            AllowMultipleArgumentsPerToken = false,
        };
        var fromEnd = new Option<bool>("--from-end") { Description = "For a tailed file: skip what is already in it and read only new lines." };
        var udpAllowRemote = new Option<bool>("--udp-allow-remote") { Description = "Allow a udp:// source on an address that is not loopback, e.g. udp://0.0.0.0:34200 (anyone who reaches the port can write telemetry)." };
        var labelAs = new Option<string>("--label-as")
        {
            Description = "How a source's label shows in W&B besides the runs' config 'source': tag (one of the run's tags), group (the run group; not with --group), or none.",
            DefaultValueFactory = _ => "tag",
        };
        labelAs.AcceptOnlyFromAmong("tag", "group", "none");
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
            A fleet in one process: a glob or a folder as --source reads each matching file as its
            own source, and files that appear while running too; each source's runs carry its label
            (config 'source', and a tag or their group), so a server's runs are easy to find.

            Examples:
              rxfactorio run
              rxfactorio run --source ~/.factorio/script-output/events.pipe --project my-factory
              rxfactorio run --source server1/events.jsonl --source server2/events.jsonl --from-end
              rxfactorio run --source 'script-output/*.jsonl' --label-as group
              rxfactorio run --source 'eu=/srv/eu/*/script-output/events.jsonl' --source us=udp://127.0.0.1:34201
              rxfactorio run --source udp://127.0.0.1:34200 --source udp://127.0.0.1:34201
              rxfactorio run --health-url http://127.0.0.1:9464 --log-format json
              rxfactorio run --print-config
            """)
        {
            sources, fromEnd, udpAllowRemote, labelAs,
        };
        common.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var given = parse.GetValue(sources) is { Length: > 0 } flags ? flags : null;
            var arguments = new List<SourceArgument>();
            foreach (var text in given ?? [DefaultSource()])
            {
                if (!SourceArgument.TryParse(text, out var argument, out var problem))
                {
                    environment.Error.WriteLine($"rxfactorio run: --source {problem}");
                    return Task.FromResult(ExitCodes.Usage);
                }
                arguments.Add(argument);
            }
            var tail = new TailOptions { FromEnd = parse.GetValue(fromEnd) };
            var allowRemote = parse.GetValue(udpAllowRemote);
            if (UdpSources.FirstError(arguments.Select(a => a.Path), allowRemote) is { } error)
            {
                environment.Error.WriteLine($"rxfactorio run: --source {error}");
                return Task.FromResult(ExitCodes.Usage);
            }
            var fleet = new FleetSources(arguments);
            var recovery = SourceRecovery.None;
            return CommandRunner.ExecuteAsync("run", parse, common, (_, diagnostics, loggers, states) =>
                fleet.Events(
                    loggers.CreateLogger("rxfactorio.source"),
                    path => recovery.Open(
                        path,
                        // A tailed file reads on from its checkpoint (what is in the run log already is not read again);
                        // a file a pattern finds after the start gets a checkpoint from then on.
                        tail,
                        new FramingOptions { Diagnostics = diagnostics },
                        new ParseOptions { Diagnostics = diagnostics },
                        loggers.CreateLogger("rxfactorio.source"),
                        states.Track(path),
                        new UdpSourceOptions { AllowRemote = allowRemote, Diagnostics = diagnostics })),
                // NOTE: a live game must never wait on us (a FIFO writer would freeze the game), so a
                // slow W&B makes the backlog grow, with a warning, instead of slowing the reading.
                // Online, HandleAsync only appends to the run log: W&B's pace never holds rows in memory.
                WhenRunStageIsFull.Warn, environment, ct,
                sources: (arguments.Select(a => a.Text).ToList(), given is null ? "(default)" : "(from command-line flags)"),
                recover: (settings, logger) => recovery = SinkFactory.IsOnline(settings, environment)
                    ? SourceRecovery.Load(fleet.SourcesNow(), settings.Directory, logger)
                    : SourceRecovery.None,
                liveSources: true,
                sourceLabels: fleet.Catalog.LabelOf,
                labelAs: Enum.Parse<SourceLabelUse>(parse.GetValue(labelAs)!, ignoreCase: true));
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
