using Refit;

namespace RxFactorio.Wandb;

/// <summary>
/// The two W&amp;B endpoints, as a source-generated Refit client. Every method returns
/// <see cref="IApiResponse{T}"/>, so HTTP and transport failures are values to classify, not exceptions.
/// The <c>kind</c> property tells the retry pipeline which policy applies (see <see cref="WandbRequestKind"/>).
/// </summary>
internal interface IWandbApi
{
    [Post("/graphql")]
    Task<IApiResponse<GraphQlResponse<UpsertBucketData>>> UpsertBucketAsync(
        [Body] GraphQlRequest<UpsertBucketVariables> request,
        [Property(WandbRequestKind.OptionKey)] string kind,
        CancellationToken cancellationToken);

    [Post("/graphql")]
    Task<IApiResponse<GraphQlResponse<ViewerData>>> ViewerAsync(
        [Body] GraphQlRequest<NoVariables> request,
        [Property(WandbRequestKind.OptionKey)] string kind,
        CancellationToken cancellationToken);

    [Post("/files/{entity}/{project}/{run}/file_stream")]
    Task<IApiResponse<FileStreamResponse>> FileStreamAsync(
        string entity,
        string project,
        string run,
        [Body] FileStreamRequest request,
        [Property(WandbRequestKind.OptionKey)] string kind,
        CancellationToken cancellationToken);
}

/// <summary>Which retry policy a request gets; set as an <see cref="HttpRequestMessage.Options"/> entry.</summary>
internal static class WandbRequestKind
{
    public const string OptionKey = "RxFactorio.Wandb.RequestKind";
    public const string GraphQl = "graphql";
    public const string UpsertBucket = "upsertBucket";
    public const string FileStream = "fileStream";

    public static string Of(HttpRequestMessage request)
    {
        if (((IDictionary<string, object?>)request.Options).TryGetValue(OptionKey, out var value) && value is string kind)
        {
            return kind;
        }
        return request.RequestUri?.AbsolutePath.EndsWith("/file_stream", StringComparison.Ordinal) == true ? FileStream : GraphQl;
    }
}
