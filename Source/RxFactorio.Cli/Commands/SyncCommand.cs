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
                var logs = given.SelectMany(RunLogUploader.FindLogs).Distinct().ToList();
                var uploader = new RunLogUploader(
                    contents => WandbConnection.Create(
                        settings.Wandb with
                        {
                            Project = settings.ExplicitProject ?? contents.Project ?? settings.Wandb.Project,
                            Entity = settings.ExplicitEntity ?? contents.Entity,
                        },
                        credentials, loggers),
                    logger);
                var failed = 0;
                foreach (var log in logs)
                {
                    var result = await uploader.UploadAsync(log, ct);
                    failed += result.Outcome is RunLogUploadOutcome.Failed or RunLogUploadOutcome.Unreadable ? 1 : 0;
                    var where = result.Entity is null ? "" : $"  {RunUrls.For(settings.Wandb.BaseUrl, result.Entity, result.Project, result.RunId)}";
                    await environment.Output.WriteLineAsync(
                        $"{result.Outcome.ToString().ToLowerInvariant(),-14} {RxFactorio.Diagnostics.Printable.Of(log, 200)}  rows sent {result.RowsSent}{where}{(result.Problem is null ? "" : $"  ({result.Problem})")}");
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
}
