using Microsoft.Extensions.Logging;

namespace RxFactorio.Wandb;

/// <summary>
/// Checks the API key once, at start, with the <c>Viewer</c> query (as <c>wandb login</c> does),
/// in the background so that reading never waits on it. Only a definite refusal counts: a 401 or
/// 403 (or a null viewer) is <see cref="Rejection"/>; an unreachable server, a timeout or any other
/// failure is logged and ignored, since rows wait in the run log until W&amp;B is back.
/// </summary>
internal sealed class WandbKeyCheck
{
    private volatile WandbAuthenticationException? _rejection;

    private WandbKeyCheck()
    {
    }

    /// <summary>Ends with the refusal, or <c>null</c> when the key was accepted or could not be checked.</summary>
    public Task<WandbAuthenticationException?> Completion { get; private set; } = Task.FromResult<WandbAuthenticationException?>(null);

    /// <summary>The refusal, from the moment the check has one (before <c>onRejected</c> runs); else <c>null</c>.</summary>
    public WandbAuthenticationException? Rejection => _rejection;

    /// <summary>Starts the check.</summary>
    /// <param name="connection">The connection whose key is checked.</param>
    /// <param name="onRejected">Called once, on a pool thread, when the key is refused (e.g. to fail health and stop).</param>
    /// <param name="cancellationToken">Abandons the check (at shutdown).</param>
    public static WandbKeyCheck Start(WandbConnection connection, Action<WandbAuthenticationException> onRejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(onRejected);
        var check = new WandbKeyCheck();
        check.Completion = Task.Run(() => check.CheckAsync(connection, onRejected, cancellationToken), CancellationToken.None);
        return check;
    }

    private async Task<WandbAuthenticationException?> CheckAsync(
        WandbConnection connection, Action<WandbAuthenticationException> onRejected, CancellationToken cancellationToken)
    {
        try
        {
            var viewer = await connection.ViewerAsync(cancellationToken).ConfigureAwait(false);
            connection.Logger.LogDebug("W&B at {Host} accepted the API key (user {User}).", connection.Options.NetLocation, viewer.Username ?? "?");
            return null;
        }
        catch (WandbAuthenticationException refused)
        {
            // NOTE: before onRejected, which stops the pipeline: its end reads Rejection, and must find it.
            _rejection = refused;
            onRejected(refused);
            return refused;
        }
        catch (WandbRequestException e)
        {
            // NOTE: offline-tolerant: an outage at start is not fatal; the message is already redacted.
            connection.Logger.LogWarning("Could not check the W&B API key at start ({Why}); carrying on: rows wait in the run log until W&B answers.", e.Message);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
