using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace RxFactorio.FakeWandb.Http;

/// <summary>
/// Path segments decoded exactly once from the raw request target. The client path-escapes them (docs/wandb-protocol.md §1,
/// "A fake server must URL-decode the segments"); Kestrel's own decoding leaves %2F encoded, so route values are not used.
/// </summary>
internal static class RawPathSegments
{
    public static IReadOnlyList<string> Of(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        return [.. path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
    }
}
