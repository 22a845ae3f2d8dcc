using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using RxFactorio.Runs;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Settings;

/// <summary>
/// Layers the configuration: <c>rxfactorio.json</c> (or <c>--config</c>), then the environment
/// (<c>WANDB_*</c> and <c>RXFACTORIO_*</c>), then the command's flags, each overriding the one
/// before; then validates every value, naming the setting and where it came from.
/// </summary>
internal static class SettingsLoader
{
    public const string DefaultFileName = "rxfactorio.json";

    private const string EnvironmentPrefix = "RXFACTORIO_";

    /// <summary>The environment variables W&amp;B's own tools use, mapped onto our keys.</summary>
    private static readonly (string Variable, string Key)[] WandbVariables =
    [
        ("WANDB_MODE", "wandb:mode"),
        ("WANDB_BASE_URL", "wandb:baseUrl"),
        ("WANDB_PROJECT", "wandb:project"),
        ("WANDB_ENTITY", "wandb:entity"),
        ("WANDB_TAGS", "wandb:tags"),
        ("WANDB_RUN_GROUP", "wandb:group"),
        ("WANDB_NOTES", "wandb:notes"),
        ("WANDB_JOB_TYPE", "wandb:jobType"),
        ("WANDB_DIR", "wandb:dir"),
    ];

    public static IConfigurationRoot Build(string? configPath, IReadOnlyDictionary<string, string?> flags, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var builder = new ConfigurationBuilder();
        var file = configPath ?? Path.Combine(workingDirectory, DefaultFileName);
        if (configPath is not null && !File.Exists(configPath))
        {
            throw new SettingsError($"configuration file not found: {configPath}");
        }
        if (File.Exists(file))
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        var wandbVariables = new Dictionary<string, string?>();
        foreach (var (variable, key) in WandbVariables)
        {
            if (environment.GetValueOrDefault(variable) is { Length: > 0 } value)
            {
                wandbVariables[key] = value;
            }
        }
        builder.Add(new NamedMemorySource("environment (WANDB_*)", wandbVariables));
        var ours = environment
            .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && kv.Key.Length > EnvironmentPrefix.Length)
            .Select(kv => new KeyValuePair<string, string?>(kv.Key[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), kv.Value));
        builder.Add(new NamedMemorySource("environment (RXFACTORIO_*)", ours));
        builder.Add(new NamedMemorySource("command-line flags", flags));
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            throw new SettingsError($"cannot read {file}: {ex.Message}");
        }
    }

    public static CliSettings Load(IConfigurationRoot config, string workingDirectory)
    {
        var reader = new SettingReader(config);
        var wandb = new WandbOptions
        {
            BaseUrl = reader.Uri("wandb:baseUrl") ?? WandbOptions.DefaultBaseUrl,
            Project = reader.String("wandb:project") ?? "factorio-experiments",
            Entity = reader.String("wandb:entity"),
            Tags = reader.List("wandb:tags"),
            Group = reader.String("wandb:group"),
            Notes = reader.String("wandb:notes"),
            JobType = reader.String("wandb:jobType"),
            AllowInsecureHttp = reader.Bool("wandb:allowInsecureHttp") ?? false,
        };
        var problems = wandb.GetValidationErrors();
        if (problems.Count > 0)
        {
            throw new SettingsError(string.Join("; ", problems));
        }
        var runs = new RunOptions
        {
            IdleTimeout = reader.Duration("runs:idleTimeout") ?? RunOptions.DefaultIdleTimeout,
            BatchWindow = reader.Duration("runs:batchWindow") ?? RunOptions.DefaultBatchWindow,
            MaxBatchRows = reader.Int("runs:maxBatchRows") ?? 500,
            Every = reader.Int("runs:every") ?? 1,
            ZeroFill = reader.Bool("runs:zeroFill") ?? true,
            SessionGrace = reader.Duration("runs:sessionGrace") ?? RunOptions.DefaultSessionGrace,
            MaxKeysPerRun = reader.Int("runs:maxKeysPerRun") ?? RunOptions.DefaultMaxKeysPerRun,
            MaxKeysPerRow = reader.Int("runs:maxKeysPerRow") ?? RunOptions.DefaultMaxKeysPerRow,
            IncludeKeys = reader.List("runs:includeKeys"),
            ExcludeKeys = reader.List("runs:excludeKeys"),
        };
        try
        {
            runs.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new SettingsError($"setting 'runs:{char.ToLowerInvariant(ex.ParamName![0])}{ex.ParamName[1..]}' {reader.Where("runs:" + ex.ParamName)}: {ex.Message.Split(" (Parameter")[0]}");
        }
        return new CliSettings
        {
            Mode = reader.Enum<WandbMode>("wandb:mode"),
            Wandb = wandb,
            Runs = runs,
            Directory = reader.String("wandb:dir") ?? workingDirectory,
            ExplicitProject = reader.String("wandb:project"),
            ExplicitEntity = reader.String("wandb:entity"),
            ShutdownTimeout = ShutdownTimeout(reader),
            HealthUrl = reader.Uri("health:url"),
            HealthAllowRemote = reader.Bool("health:allowRemote") ?? false,
        };
    }

    private static TimeSpan ShutdownTimeout(SettingReader reader)
    {
        var value = reader.Duration("runs:shutdownTimeout") ?? CliSettings.DefaultShutdownTimeout;
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            throw new SettingsError($"setting 'runs:shutdownTimeout' {reader.Where("runs:shutdownTimeout")}: must be more than 0 and at most 1h");
        }
        return value;
    }
}
