using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxFactorio.Cli.Commands;
using RxFactorio.Cli.Monitoring;
using RxFactorio.Cli.Settings;
using RxFactorio.Runs;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// What <c>run</c> and <c>replay</c> share: settings (or <c>--print-config</c>), then a generic
/// host whose one hosted service is the pipeline, then its exit code.
/// NOTE: replay uses the same host as run: one code path for signals, the shutdown deadline,
/// logging, health and the status line; the host costs a few milliseconds.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> ExecuteAsync(
        string command,
        ParseResult parse,
        CommonOptions common,
        EventsFactory events,
        WhenRunStageIsFull whenBehind,
        CliEnvironment environment,
        CancellationToken stop,
        long? replayBytes = null,
        (IReadOnlyList<string> Paths, string Layer)? sources = null,
        Func<CliSettings, ILogger, SourceRecovery?>? recover = null,
        bool liveSources = false,
        bool graceInGameTime = false,
        Func<string, string?>? sourceLabels = null,
        SourceLabelUse labelAs = SourceLabelUse.Tag)
    {
        // NOTE: first, so the JIT compiles the run log's code on the core the settings and the host leave idle.
        // Only for replay, whose first run starts at once: a live run waits for its game, and its start-up
        // (time to ready, memory at ready) should not pay for code it may not need for hours.
        if (command == "replay")
        {
            RxFactorio.RunLog.RunLogWarmUp.Start();
        }
        CliSettings settings;
        try
        {
            var config = SettingsLoader.Build(parse.GetValue(common.Config), common.ToConfiguration(parse), environment.Variables, environment.WorkingDirectory);
            settings = SettingsLoader.Load(config, environment.WorkingDirectory);
            settings = settings with { Runs = settings.Runs with { GraceInGameTime = graceInGameTime } };
            if (parse.GetValue(common.PrintConfig))
            {
                EffectiveConfig.Print(environment.Output, config, settings, environment, sources);
                return ExitCodes.Ok;
            }
            if (settings.HealthUrl is { } url)
            {
                MonitoringServer.Prefix(url, settings.HealthAllowRemote);
            }
            if (labelAs == SourceLabelUse.Group && settings.Wandb.Group is not null)
            {
                throw new SettingsError($"--label-as group makes each source's label its runs' group, and a run group is set too: '{RxFactorio.Diagnostics.Printable.Of(settings.Wandb.Group, 100)}' {new SettingReader(config).Where("wandb:group")}; drop one of them");
            }
        }
        catch (SettingsError ex)
        {
            await environment.Error.WriteLineAsync($"rxfactorio {command}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var quiet = parse.GetValue(common.Quiet);
        var json = parse.GetValue(common.LogFormat) == "json";
        var request = new PipelineRequest(command, settings, environment, events, whenBehind, replayBytes, recover, liveSources, sourceLabels, labelAs);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = environment.WorkingDirectory, DisableDefaults = true });
        // NOTE: before LogSetup, which only adds a ConsoleStatus without a terminal if none is there.
        builder.Services.AddSingleton(new ConsoleStatus(StatusTerminal.Choose(environment, quiet, json)));
        LogSetup.Configure(builder.Logging, json, quiet);
        builder.Services.Configure<HostOptions>(o =>
        {
            // The service aborts the drain at settings.ShutdownTimeout itself; the margin lets it report.
            o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(10);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        // NOTE: the settings are bound and validated by SettingsLoader (it names the layer of a bad value); the host just carries them.
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Services.AddSingleton(sp => new ShutdownSignals(sp.GetRequiredService<IHostApplicationLifetime>(), environment.Error, command, sp.GetRequiredService<ConsoleStatus>()));
        builder.Services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<ShutdownSignals>());
        builder.Services.AddSingleton(sp => new PipelineJob(request, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ConsoleStatus>()));
        builder.Services.AddHostedService<PipelineService>();

        using var host = builder.Build();
        var job = host.Services.GetRequiredService<PipelineJob>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var caller = stop.Register(lifetime.StopApplication);
        try
        {
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // NOTE: the host cancels its start when told to stop. StopAsync drains a pipeline that
            // had begun; one that never ran read nothing, so nothing is undelivered (what earlier
            // run logs hold waits on disk for the next start).
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (job.Started)
            {
                return job.ExitCode;
            }
            await environment.Error.WriteLineAsync($"rxfactorio {command}: stopped during start-up, before anything was read").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        await host.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        return job.ExitCode;
    }

    /// <summary>Human-readable single-line logs on stderr (stdout carries the command's results); for <c>sync</c>.</summary>
    public static ILoggerFactory CreateLoggers() => LoggerFactory.Create(builder => LogSetup.Configure(builder, json: false, quiet: false));
}
