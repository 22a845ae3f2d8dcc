using System.CommandLine;
using RxFactorio.Cli.Commands;
using RxFactorio.Cli.Hosting;

namespace RxFactorio.Cli;

/// <summary>The <c>rxfactorio</c> command line: builds the commands and runs one, returning its exit code.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliEnvironment environment) =>
        new("rxfactorio: stream Factorio telemetry (JSON Lines from the game's mod) to Weights & Biases.")
        {
            RunCommand.Create(environment),
            ReplayCommand.Create(environment),
            ValidateCommand.Create(environment.Output, environment.Error),
            SyncCommand.Create(environment),
        };

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, CliEnvironment.Process(output, error), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        environment = environment with { Arguments = args };
        var (output, error) = (environment.Output, environment.Error);
        var root = Build(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"rxfactorio: {problem.Message}").ConfigureAwait(false);
            }
            await error.WriteLineAsync("Try 'rxfactorio --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
