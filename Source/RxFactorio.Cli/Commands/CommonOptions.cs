using System.CommandLine;

namespace RxFactorio.Cli.Commands;

/// <summary>The flags <c>run</c> and <c>replay</c> share; each maps onto one configuration key.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Config { get; } = new("--config") { Description = "Configuration file (default: ./rxfactorio.json if present)." };

    public Option<string?> Mode { get; } = new("--mode") { Description = "online, offline or disabled (default: online when an API key is found, else offline). Env: WANDB_MODE." };

    public Option<string?> Project { get; } = new("--project") { Description = "W&B project (default factorio-experiments). Env: WANDB_PROJECT." };

    public Option<string?> Entity { get; } = new("--entity") { Description = "W&B entity (default: the API key's default entity). Env: WANDB_ENTITY." };

    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "W&B server (default https://api.wandb.ai). Env: WANDB_BASE_URL." };

    public Option<string?> Tags { get; } = new("--tags") { Description = "Comma-separated run tags. Env: WANDB_TAGS." };

    public Option<string?> Group { get; } = new("--group") { Description = "Run group. Env: WANDB_RUN_GROUP." };

    public Option<string?> Notes { get; } = new("--notes") { Description = "Run notes. Env: WANDB_NOTES." };

    public Option<string?> JobType { get; } = new("--job-type") { Description = "Run job type. Env: WANDB_JOB_TYPE." };

    public Option<bool> AllowInsecureHttp { get; } = new("--allow-insecure-http") { Description = "Allow plain http:// to a non-loopback server (the API key would travel unencrypted)." };

    public Option<string?> Dir { get; } = new("--dir") { Description = "Where offline runs are written (a wandb/ folder inside it). Env: WANDB_DIR. Default: the working directory." };

    public Option<string?> IdleTimeout { get; } = new("--idle-timeout") { Description = "Finish a run after this long without events, e.g. 15m; 0 = never (default 15m)." };

    public Option<string?> SessionGrace { get; } = new("--session-grace") { Description = "Finish a session's run after this long without its events while another session of the same source goes on (a save loaded), e.g. 60s; in game time for replay; 0 = off (default 60s)." };

    public Option<string?> MaxKeysPerRun { get; } = new("--max-keys-per-run") { Description = "The most distinct metric keys a run logs; further keys are dropped with one warning per run (default 10000)." };

    public Option<string?> MaxKeysPerRow { get; } = new("--max-keys-per-row") { Description = "The most metric keys in one row, zero-filled ones included; further keys are dropped with one warning per run (default 5000)." };

    public Option<string?> IncludeKeys { get; } = new("--include-keys") { Description = "Log only metric keys matching these globs, comma-separated, e.g. 'production/*,power/*' (* any characters, / included; ? one)." };

    public Option<string?> ExcludeKeys { get; } = new("--exclude-keys") { Description = "Do not log metric keys matching these globs, comma-separated, e.g. 'consumption/*-barrel'." };

    public Option<string?> BatchWindow { get; } = new("--batch-window") { Description = "How long a row waits for more stats of its cycle when no later cycle comes (a paused game) before it is written, e.g. 5s (default 5s)." };

    public Option<string?> Every { get; } = new("--every") { Description = "Downsample: log the mean of every N cycles (default 1 = off)." };

    public Option<bool> NoZeroFill { get; } = new("--no-zero-fill") { Description = "Do not log items seen earlier in a run and absent now as 0." };

    public Option<string?> ShutdownTimeout { get; } = new("--shutdown-timeout") { Description = "On Ctrl+C/SIGTERM, how long flushing and finishing every run may take, e.g. 30s (default 30s). A second signal stops at once." };

    public Option<string?> HealthUrl { get; } = new("--health-url") { Description = "Serve GET /healthz and GET /metrics (Prometheus) here, e.g. http://127.0.0.1:9464 (loopback only unless --health-allow-remote)." };

    public Option<bool> HealthAllowRemote { get; } = new("--health-allow-remote") { Description = "Allow --health-url on a non-loopback address (the endpoints have no authentication)." };

    public Option<string> LogFormat { get; } = new("--log-format")
    {
        Description = "Log lines on stderr: text (one readable line each) or json (one JSON object each, no live status line).",
        DefaultValueFactory = _ => "text",
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Log only warnings and errors; no live status line." };

    public Option<bool> PrintConfig { get; } = new("--print-config") { Description = "Print the effective configuration (each setting, its value and where it came from) and exit." };

    public void AddTo(Command command, bool runOptions = true)
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
        foreach (var option in runOptions ? All() : [Config, Project, Entity, BaseUrl, Tags, Group, Notes, JobType, AllowInsecureHttp, Dir])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The flags that were given, as configuration keys (the highest layer).</summary>
    public Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        var values = new Dictionary<string, string?>();
        void Put(string key, string? value)
        {
            if (value is not null)
            {
                values[key] = value;
            }
        }
        Put("wandb:mode", parse.GetValue(Mode));
        Put("wandb:project", parse.GetValue(Project));
        Put("wandb:entity", parse.GetValue(Entity));
        Put("wandb:baseUrl", parse.GetValue(BaseUrl));
        Put("wandb:tags", parse.GetValue(Tags));
        Put("wandb:group", parse.GetValue(Group));
        Put("wandb:notes", parse.GetValue(Notes));
        Put("wandb:jobType", parse.GetValue(JobType));
        Put("wandb:dir", parse.GetValue(Dir));
        Put("runs:idleTimeout", parse.GetValue(IdleTimeout));
        Put("runs:batchWindow", parse.GetValue(BatchWindow));
        Put("runs:every", parse.GetValue(Every));
        Put("runs:sessionGrace", parse.GetValue(SessionGrace));
        Put("runs:maxKeysPerRun", parse.GetValue(MaxKeysPerRun));
        Put("runs:maxKeysPerRow", parse.GetValue(MaxKeysPerRow));
        Put("runs:includeKeys", parse.GetValue(IncludeKeys));
        Put("runs:excludeKeys", parse.GetValue(ExcludeKeys));
        if (parse.GetValue(AllowInsecureHttp))
        {
            values["wandb:allowInsecureHttp"] = "true";
        }
        Put("runs:shutdownTimeout", parse.GetValue(ShutdownTimeout));
        Put("health:url", parse.GetValue(HealthUrl));
        if (parse.GetValue(HealthAllowRemote))
        {
            values["health:allowRemote"] = "true";
        }
        if (parse.GetValue(NoZeroFill))
        {
            values["runs:zeroFill"] = "false";
        }
        return values;
    }

    private IEnumerable<Option> All() =>
        [Config, Mode, Project, Entity, BaseUrl, Tags, Group, Notes, JobType, AllowInsecureHttp, Dir, IdleTimeout, SessionGrace, BatchWindow, Every, NoZeroFill,
            MaxKeysPerRun, MaxKeysPerRow, IncludeKeys, ExcludeKeys,
            ShutdownTimeout, HealthUrl, HealthAllowRemote, LogFormat, Quiet, PrintConfig];
}
