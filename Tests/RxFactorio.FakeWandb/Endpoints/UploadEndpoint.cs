using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>
/// The storage the upload URLs point at: a second port on 127.0.0.1, as a cloud bucket is another host.
/// <c>PUT /upload/{slot}</c> stores the body as the slot's run file. Like a signed URL it wants no W&amp;B
/// credentials: a request with an <c>Authorization</c> header, or an API key anywhere in its headers or URL,
/// is refused with 403 and counted (<see cref="FakeCounters.UploadsWithCredentials"/>), so a client that
/// leaks its key to storage fails a test. A PUT without the <c>uploadHeaders</c> CreateRunFiles gave is refused with 400.
/// </summary>
internal sealed class UploadEndpoint(FakeState state, FakeWandbOptions options)
{
    public const string RequiredHeader = "X-Fake-Upload-Signature";
    public const string RequiredHeaderValue = "signed";

    /// <summary>http://127.0.0.1:{port}, once the server listens.</summary>
    public Uri? BaseUrl { get; set; }

    public int Port => BaseUrl?.Port ?? -1;

    public string UrlFor(string slot) => $"{BaseUrl!.ToString().TrimEnd('/')}/upload/{slot}?X-Fake-Expires=3600";

    public async Task HandleAsync(HttpContext context)
    {
        state.CounterSet.Upload();
        if (CarriesCredentials(context.Request))
        {
            state.CounterSet.UploadWithCredentials();
            await Plain(context, StatusCodes.Status403Forbidden, "storage refuses W&B credentials");
            return;
        }

        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsPut(context.Request.Method) || !path.StartsWith("/upload/", StringComparison.Ordinal))
        {
            await Plain(context, StatusCodes.Status405MethodNotAllowed, "only PUT /upload/{slot}");
            return;
        }

        if (state.UploadSlots.Find(path["/upload/".Length..]) is not { } target)
        {
            await Plain(context, StatusCodes.Status404NotFound, "no such upload slot");
            return;
        }

        if (context.Request.Headers[RequiredHeader].ToString() != RequiredHeaderValue)
        {
            await Plain(context, StatusCodes.Status400BadRequest, $"missing the upload header {RequiredHeader}");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        target.Run.StoreRunFile(target.Name, body.ToArray());
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private bool CarriesCredentials(HttpRequest request)
    {
        if (request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return true;
        }

        var basic = options.EffectiveApiKeys.Keys.Select(k => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("api:" + k)).TrimEnd('='));
        var forms = options.EffectiveApiKeys.Keys.Concat(basic).ToList();
        var text = string.Join("\n", request.Headers.Select(h => h.Key + ":" + h.Value.ToString())) + "\n" + request.Path + request.QueryString;
        return forms.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase));
    }

    private static Task Plain(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(message);
    }
}
