using System.CommandLine;
using Microsoft.Extensions.Logging;
using RxFactorio.Cli.Hosting;
using RxFactorio.Cli.Settings;
using RxFactorio.RunLog;
using RxFactorio.Wandb;

namespace RxFactorio.Cli.Commands;

/// <summary><c>rxfactorio sync [PATH]...</c>: uploads offline runs to W&amp;B.</summary>
internal static class SyncCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "A run log (run-<id>.wandb), a run folder, or a wandb/ folder. Default: ./wandb (or $WANDB_DIR/wandb).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var common = new CommonOptions();
        var command = new Command("sync", """
            Upload offline runs to W&B and mark each one run-<id>.wandb.synced. Synced runs are skipped;
            a partly uploaded run resumes where the server stopped, without duplicates.
            The project and entity are the ones the run was recorded with, unless given here.

            Examples:
              rxfactorio sync
              rxfactorio sync wandb/offline-run-20261128_120312-hgya9m1h
              rxfactorio sync --project other-project wandb
            """)
        {
            paths,
        };
        common.AddTo(command, runOptions: false);
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = CommandRunner.CreateLoggers();
            var logger = loggers.CreateLogger("rxfactorio");
            try
            {
                var config = SettingsLoader.Build(parse.GetValue(common.Config), common.ToConfiguration(parse), environment.Variables, environment.WorkingDirectory);
                var settings = SettingsLoader.Load(config, environment.WorkingDirectory);
                var credentials = new ApiKeyResolver(environment.GetVariable).Resolve(settings.Wandb.BaseUrl)
                    ?? throw new SettingsError($"no W&B API key for {settings.Wandb.NetLocation}: set WANDB_API_KEY, or add 'machine {settings.Wandb.NetLocation}' to your netrc file");
                var given = parse.GetValue(paths) is { Length: > 0 } p ? p : [new OfflineLayout(settings.Directory).WandbDirectory];
                var logs = given.SelectMany(OfflineLayout.FindLogs).Distinct().ToList();
                var failed = 0;
                // NOTE: one shipper for live runs, restarts and sync: each log goes where it was recorded for
                // (unless --project/--entity say otherwise), so logs are shipped per target, in order.
                foreach (var target in logs.GroupBy(log => Target(settings, log)))
                {
                    await using var sink = new RunLogSink(
                        new RunLogSinkOptions { RootDirectory = settings.Directory, RetryFailedRunAfter = null },
                        WandbConnection.Create(settings.Wandb with { Project = target.Key.Project, Entity = target.Key.Entity }, credentials, loggers),
                        ownsConnection: true);
                    foreach (var result in await sink.SyncAsync([.. target], ct))
                    {
                        failed += result.Outcome is RunLogUploadOutcome.Failed or RunLogUploadOutcome.Unreadable or RunLogUploadOutcome.Refused ? 1 : 0;
                        var where = result.Entity is null ? "" : $"  {RunUrls.For(settings.Wandb.BaseUrl, result.Entity, result.Project, result.RunId)}";
                        await environment.Output.WriteLineAsync(
                            $"{result.Outcome.ToString().ToLowerInvariant(),-14} {RxFactorio.Diagnostics.Printable.Of(result.LogFile, 200)}  rows sent {result.RowsSent}{where}{(result.Problem is null ? "" : $"  ({result.Problem})")}");
                    }
                }
                await environment.Output.WriteLineAsync($"{logs.Count} run log(s): {logs.Count - failed} synced or already synced, {failed} not");
                return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is SettingsError or WandbAuthenticationException or FileNotFoundException)
            {
                await environment.Error.WriteLineAsync($"rxfactorio sync: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception ex) when (ex is IOException or WandbRequestException or InvalidDataException)
            {
                await environment.Error.WriteLineAsync($"rxfactorio sync: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>Where a log goes: the project and entity given here, else the ones it was recorded with.</summary>
    private static (string Project, string? Entity) Target(CliSettings settings, string logFile)
    {
        var header = SyncedMarker.IsSynced(logFile) ? null : TryScan(logFile);
        return (settings.ExplicitProject ?? header?.Project ?? settings.Wandb.Project, settings.ExplicitEntity ?? header?.Entity);
    }

    private static RunLogContents? TryScan(string logFile)
    {
        try
        {
            return RunLogReader.Scan(logFile);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
