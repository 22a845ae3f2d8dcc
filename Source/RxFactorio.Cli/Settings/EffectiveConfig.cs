using System.Globalization;
using Microsoft.Extensions.Configuration;
using RxFactorio.Cli.Hosting;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Settings;

/// <summary>
/// <c>--print-config</c>: every setting with its effective value and the layer it came from.
/// The API key is never printed: only whether it is set and where from.
/// </summary>
internal static class EffectiveConfig
{
    public static void Print(TextWriter output, IConfigurationRoot config, CliSettings s, CliEnvironment environment, (IReadOnlyList<string> Paths, string Layer)? sources)
    {
        var reader = new SettingReader(config);
        var rows = new List<(string Key, string Value, string Where)>();
        void Add(string key, object? value) => rows.Add((key, Show(value), reader.Where(key)));

        var credentials = Credentials(s, environment, out var problem);
        var mode = s.Mode?.ToString().ToLowerInvariant() ?? (credentials is null ? "offline (no API key found)" : "online (an API key was found)");
        Add("wandb:mode", mode);
        Add("wandb:baseUrl", s.Wandb.BaseUrl);
        Add("wandb:project", s.Wandb.Project);
        Add("wandb:entity", s.Wandb.Entity ?? "(the API key's default entity)");
        Add("wandb:tags", string.Join(",", s.Wandb.Tags));
        Add("wandb:group", s.Wandb.Group);
        Add("wandb:notes", s.Wandb.Notes);
        Add("wandb:jobType", s.Wandb.JobType);
        Add("wandb:dir", s.Directory);
        Add("wandb:allowInsecureHttp", s.Wandb.AllowInsecureHttp);
        rows.Add(("wandb:apiKey", credentials is null ? $"(not set{problem})" : $"(set, from {credentials.Source})", ""));
        Add("runs:idleTimeout", s.Runs.IdleTimeout);
        Add("runs:batchWindow", s.Runs.BatchWindow);
        Add("runs:maxBatchRows", s.Runs.MaxBatchRows);
        Add("runs:every", s.Runs.Every);
        Add("runs:zeroFill", s.Runs.ZeroFill);
        Add("runs:sessionGrace", s.Runs.SessionGrace);
        Add("runs:maxKeysPerRun", s.Runs.MaxKeysPerRun);
        Add("runs:maxKeysPerRow", s.Runs.MaxKeysPerRow);
        Add("runs:includeKeys", string.Join(",", s.Runs.IncludeKeys));
        Add("runs:excludeKeys", string.Join(",", s.Runs.ExcludeKeys));
        Add("runs:shutdownTimeout", s.ShutdownTimeout);
        Add("health:url", s.HealthUrl?.ToString() ?? "(off)");
        Add("health:allowRemote", s.HealthAllowRemote);
        if (sources is { } given)
        {
            rows.Add(("sources", string.Join(", ", given.Paths), given.Layer));
        }
        var width = rows.Max(r => r.Key.Length);
        foreach (var (key, value, where) in rows)
        {
            output.WriteLine($"{key.PadRight(width)}  {RxFactorio.Diagnostics.Printable.Of(value, 300)}  {where}".TrimEnd());
        }
        output.Flush();
    }

    private static WandbCredentials? Credentials(CliSettings s, CliEnvironment environment, out string problem)
    {
        problem = "";
        try
        {
            return new ApiKeyResolver(environment.GetVariable).Resolve(s.Wandb.BaseUrl);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or FormatException or InvalidDataException)
        {
            problem = $": {ex.Message}";
            return null;
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(none)",
        bool b => b ? "true" : "false",
        TimeSpan t => Duration(t),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Duration(TimeSpan t) => t switch
    {
        { Ticks: 0 } => "0 (never)",
        _ when t.TotalMilliseconds < 1000 => $"{t.TotalMilliseconds:0}ms",
        _ when t.TotalSeconds < 60 || t.TotalSeconds % 60 != 0 => $"{t.TotalSeconds:0.###}s",
        _ when t.TotalMinutes < 60 || t.TotalMinutes % 60 != 0 => $"{t.TotalMinutes:0}m",
        _ => $"{t.TotalHours:0}h",
    };
}
