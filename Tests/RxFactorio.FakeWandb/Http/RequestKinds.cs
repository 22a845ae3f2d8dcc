using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Http;

internal static class RequestKinds
{
    public static RequestKind Of(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (path.Equals("/graphql", StringComparison.OrdinalIgnoreCase))
        {
            return RequestKind.Graphql;
        }

        return path.StartsWith("/files/", StringComparison.OrdinalIgnoreCase)
            && path.EndsWith("/file_stream", StringComparison.OrdinalIgnoreCase)
            ? RequestKind.FileStream
            : RequestKind.Control;
    }
}
