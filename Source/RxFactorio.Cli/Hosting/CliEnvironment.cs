using System.Collections;

namespace RxFactorio.Cli.Hosting;

/// <summary>What a command may read of its surroundings; tests give their own.</summary>
internal sealed record CliEnvironment(TextWriter Output, TextWriter Error, IReadOnlyDictionary<string, string> Variables, string WorkingDirectory)
{
    /// <summary>The command line, without the program (for a run's <c>wandb-metadata.json</c>, secrets masked there).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    public string? GetVariable(string name) => Variables.GetValueOrDefault(name);

    public static CliEnvironment Process(TextWriter output, TextWriter error)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string ?? "";
        }
        return new(output, error, variables, Directory.GetCurrentDirectory());
    }
}
