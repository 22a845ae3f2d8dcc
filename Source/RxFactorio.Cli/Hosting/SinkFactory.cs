using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Settings;
using RxFactorio.RunLog;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Hosting;

/// <summary>The sink a command writes to, chosen by the mode, and how to report where the runs went.</summary>
internal sealed class SinkChoice(WandbMode mode, IRunSink sink) : IAsyncDisposable
{
    public WandbMode Mode { get; } = mode;

    public IRunSink Sink { get; } = sink;

    public ValueTask DisposeAsync()
    {
        switch (Sink)
        {
            case IAsyncDisposable owned:
                return owned.DisposeAsync();
            case IDisposable owned:
                owned.Dispose();
                break;
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Chooses the sink: online when a key is found (or asked for), else offline; or disabled.</summary>
internal static class SinkFactory
{
    public static SinkChoice Create(CliSettings settings, CliEnvironment environment, ILoggerFactory loggers)
    {
        var keys = new ApiKeyResolver(environment.GetVariable);
        var credentials = settings.Mode is null or WandbMode.Online ? keys.Resolve(settings.Wandb.BaseUrl) : null;
        var mode = settings.Mode ?? (credentials is null ? WandbMode.Offline : WandbMode.Online);
        switch (mode)
        {
            case WandbMode.Online:
                if (credentials is null)
                {
                    throw new SettingsError(
                        $"no W&B API key for {settings.Wandb.NetLocation}: set WANDB_API_KEY, or add 'machine {settings.Wandb.NetLocation}' to your netrc file, or use --mode offline");
                }
                return new SinkChoice(mode, WandbRunSink.Create(settings.Wandb, credentials.ApiKey, loggers));
            case WandbMode.Disabled:
                return new SinkChoice(mode, new DiscardingSink());
            default:
                return new SinkChoice(mode, new OfflineRunSink(new OfflineRunSinkOptions
                {
                    RootDirectory = settings.Directory,
                    Entity = settings.Wandb.Entity,
                    Project = settings.Wandb.Project,
                }));
        }
    }
}
