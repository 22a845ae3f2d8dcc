using System.Net;

namespace RxFactorio.Wandb;

/// <summary>
/// A W&amp;B request failed for good: a status that is not retried, retries used up, a GraphQL
/// <c>errors</c> entry, or an unreadable response. The message names the operation, host and
/// status and the server's error text; never the API key.
/// </summary>
public class WandbRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operation, e.g. <c>UpsertBucket</c> or <c>file_stream</c>.</param>
    /// <param name="host">The server's <c>host[:port]</c>.</param>
    /// <param name="statusCode">The final HTTP status, or <c>null</c> when no response arrived.</param>
    /// <param name="serverMessage">The server's error text, if any.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The transport or parse error, if any.</param>
    public WandbRequestException(string operation, string host, HttpStatusCode? statusCode, string? serverMessage, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        Host = host;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
    }

    /// <summary>The operation, e.g. <c>UpsertBucket</c> or <c>file_stream</c>.</summary>
    public string Operation { get; }

    /// <summary>The server's <c>host[:port]</c>.</summary>
    public string Host { get; }

    /// <summary>The final HTTP status, or <c>null</c> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server's error text (GraphQL <c>errors[].message</c> or the body), if any.</summary>
    public string? ServerMessage { get; }
}

/// <summary>
/// W&amp;B refused the API key (HTTP 401) or the access (403). Fatal: the CLI exits with code 2.
/// The message says which host, entity and project, never the key.
/// </summary>
public sealed class WandbAuthenticationException : WandbRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operation that was refused.</param>
    /// <param name="host">The server's <c>host[:port]</c>.</param>
    /// <param name="entity">The entity, or <c>null</c> for the key's default entity.</param>
    /// <param name="project">The project.</param>
    /// <param name="statusCode">401 or 403.</param>
    /// <param name="serverMessage">The server's error text, if any.</param>
    public WandbAuthenticationException(string operation, string host, string? entity, string project, HttpStatusCode statusCode, string? serverMessage)
        : base(operation, host, statusCode, serverMessage, BuildMessage(operation, host, entity, project, statusCode, serverMessage))
    {
        Entity = entity;
        Project = project;
    }

    /// <summary>The entity, or <c>null</c> for the key's default entity.</summary>
    public string? Entity { get; }

    /// <summary>The project.</summary>
    public string Project { get; }

    private static string BuildMessage(string operation, string host, string? entity, string project, HttpStatusCode status, string? serverMessage)
    {
        var what = status == HttpStatusCode.Unauthorized
            ? "rejected the API key"
            : "denied access";
        var text = serverMessage is null ? "" : $" Server said: {serverMessage}";
        return $"W&B at {host} {what} (HTTP {(int)status}) for {operation} on entity '{entity ?? "(the key's default entity)"}', project '{project}'. "
            + $"Check WANDB_API_KEY or the netrc entry for {host}, and that the key may write to that entity.{text}";
    }
}
