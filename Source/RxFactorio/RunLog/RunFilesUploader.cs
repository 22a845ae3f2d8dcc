using Microsoft.Extensions.Logging;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// Uploads a run folder's <c>files/</c> as wandb-core does (core/internal/runfiles/uploader.go, saved_file.go):
/// CreateRunFiles for the files that exist, then a PUT of each to its upload URL (without W&amp;B
/// credentials: <see cref="WandbConnection.PutRunFileAsync"/>). The caller reports the uploaded names in
/// file_stream's <c>uploaded</c> list. Uploading the same file again replaces it, so a re-upload after a
/// restart is harmless. A file that cannot be uploaded is logged and left out; the run goes on
/// (files/ keeps it for <c>sync</c>).
/// </summary>
internal sealed partial class RunFilesUploader(WandbConnection connection, ILogger logger)
{
    /// <summary>Uploads those of <paramref name="names"/> that exist in <paramref name="folder"/>.</summary>
    /// <returns>The names uploaded, in the order given.</returns>
    /// <exception cref="WandbAuthenticationException">W&amp;B refused the key.</exception>
    public async Task<IReadOnlyList<string>> UploadAsync(RunFolder folder, string entity, string project, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var present = names.Where(n => File.Exists(folder.FilePath(n))).ToList();
        if (present.Count == 0)
        {
            return [];
        }
        RunFileTargets targets;
        try
        {
            targets = await connection.CreateRunFilesAsync(entity, project, folder.RunId, present, cancellationToken).ConfigureAwait(false);
        }
        catch (WandbRequestException ex) when (ex is not WandbAuthenticationException)
        {
            LogNotUploaded(logger, folder.RunId, string.Join(", ", present), ex.Message);
            return [];
        }
        var uploaded = new List<string>();
        foreach (var name in present)
        {
            if (targets.Files.FirstOrDefault(t => t.Name == name) is not { } target)
            {
                LogNotUploaded(logger, folder.RunId, name, "CreateRunFiles gave it no upload URL");
                continue;
            }
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(folder.FilePath(name), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogNotUploaded(logger, folder.RunId, name, $"cannot read {folder.FilePath(name)}: {ex.Message}");
                continue;
            }
            if (await connection.PutRunFileAsync(target, content, targets.Headers, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                LogNotUploaded(logger, folder.RunId, name, problem);
                continue;
            }
            uploaded.Add(name);
        }
        return uploaded;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "wandb run {RunId}: run file(s) {Files} not uploaded ({Reason}); they stay in the run folder's files/")]
    private static partial void LogNotUploaded(ILogger logger, string runId, string files, string reason);
}
