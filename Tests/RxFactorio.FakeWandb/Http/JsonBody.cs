using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace RxFactorio.FakeWandb.Http;

/// <summary>Reads a JSON request body: application/json only, optionally gzip (docs/wandb-protocol.md §1 headers), at most maxBytes (docs/wandb-protocol.md §3 limits → 413).</summary>
internal static class JsonBody
{
    public static async Task<(JsonNode? Body, int Status, string? Error)> ReadAsync(HttpRequest request, long maxBytes)
    {
        if (!IsJson(request.ContentType))
        {
            return (null, StatusCodes.Status400BadRequest, $"expected Content-Type application/json, got '{request.ContentType}'");
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"request body larger than {maxBytes} bytes");
        }

        var raw = await ReadCappedAsync(request.Body, maxBytes, request.HttpContext.RequestAborted);
        if (raw is null)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"request body larger than {maxBytes} bytes");
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            try
            {
                raw = await ReadCappedAsync(gzip, maxBytes, request.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                return (null, StatusCodes.Status400BadRequest, "body is not valid gzip");
            }

            if (raw is null)
            {
                return (null, StatusCodes.Status413PayloadTooLarge, $"decompressed body larger than {maxBytes} bytes");
            }
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, StatusCodes.Status400BadRequest, $"unsupported Content-Encoding '{encoding}'");
        }

        try
        {
            return (JsonNode.Parse(Encoding.UTF8.GetString(raw)), StatusCodes.Status200OK, null);
        }
        catch (JsonException e)
        {
            return (null, StatusCodes.Status400BadRequest, $"body is not valid JSON: {e.Message}");
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]?> ReadCappedAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
