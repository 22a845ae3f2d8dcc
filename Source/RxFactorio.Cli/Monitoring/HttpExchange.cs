using System.Net.Sockets;
using System.Text;

namespace RxFactorio.Cli.Monitoring;

/// <summary>The head of one HTTP/1.x request: method, target, <c>Host</c>, and how much of its body came with the head.</summary>
internal sealed record HttpRequestHead(string Method, string Target, string? Host, long ContentLength, int BodyBytesRead)
{
    /// <summary>The target's path, without query or fragment (an absolute-form target gives its path too).</summary>
    public string Path
    {
        get
        {
            if (Target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(Target, UriKind.Absolute, out var absolute))
            {
                return absolute.AbsolutePath;
            }
            var end = Target.IndexOfAny(['?', '#']);
            return end < 0 ? Target : Target[..end];
        }
    }
}

/// <summary>
/// The little of HTTP/1.1 the health endpoints need, on a connected socket: read one request head,
/// discard a small body, write one answer and close (<c>Connection: close</c>).
/// </summary>
internal static class HttpExchange
{
    public const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>
    /// Reads up to the blank line that ends the head. Returns the head, or an error status:
    /// 0 when the peer left before a whole head came, 400 for a malformed one, 431 when it is larger than <paramref name="maxHeadBytes"/>.
    /// </summary>
    public static async Task<(HttpRequestHead? Head, int Error)> ReadHeadAsync(Socket client, int maxHeadBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxHeadBytes];
        var filled = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                return (null, 431);
            }
            var read = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (null, 0);
            }
            filled += read;
        }
        var lines = Encoding.Latin1.GetString(buffer, 0, headEnd).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return (null, 400);
        }
        string? host = null;
        long contentLength = 0;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !long.TryParse(value, out contentLength))
            {
                return (null, 400);
            }
        }
        return (new HttpRequestHead(requestLine[0], requestLine[1], host, contentLength, filled - headEnd - 4), 0);
    }

    /// <summary>
    /// Reads and drops the rest of a body of at most <paramref name="maxBytes"/>.
    /// NOTE: closing with unread data resets the connection, and the client may then lose the answer.
    /// </summary>
    public static async Task DiscardBodyAsync(Socket client, HttpRequestHead head, int maxBytes, CancellationToken cancellationToken)
    {
        var unread = head.ContentLength - head.BodyBytesRead;
        if (unread <= 0 || unread > maxBytes)
        {
            return;
        }
        var buffer = new byte[Math.Min(unread, 16 * 1024)];
        while (unread > 0)
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }
            unread -= read;
        }
    }

    /// <summary>Writes a whole answer (the head only for <c>HEAD</c>); 405 carries <c>Allow: GET, HEAD</c>.</summary>
    public static async Task WriteAsync(Socket client, int status, string contentType, string body, bool headOnly, CancellationToken cancellationToken)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var allow = status == 405 ? "Allow: GET, HEAD\r\n" : "";
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n{allow}Cache-Control: no-store\r\nConnection: close\r\n\r\n");
        await client.SendAsync(head, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (!headOnly)
        {
            await client.SendAsync(content, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
}
