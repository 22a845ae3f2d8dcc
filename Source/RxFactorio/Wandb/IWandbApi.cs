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
        [Property(WandbRequestKind.RunKey)] string lane,
        [Property(WandbRequestKind.OptionKey)] string kind,
        [Property(WandbRequestKind.OperationKey)] string operation,
        CancellationToken cancellationToken);

    [Post("/graphql")]
    Task<IApiResponse<GraphQlResponse<ViewerData>>> ViewerAsync(
        [Body] GraphQlRequest<NoVariables> request,
        [Property(WandbRequestKind.OptionKey)] string kind,
        [Property(WandbRequestKind.OperationKey)] string operation,
        CancellationToken cancellationToken);

    [Post("/graphql")]
    Task<IApiResponse<GraphQlResponse<CreateRunFilesData>>> CreateRunFilesAsync(
        [Body] GraphQlRequest<CreateRunFilesVariables> request,
        [Property(WandbRequestKind.RunKey)] string lane,
        [Property(WandbRequestKind.OptionKey)] string kind,
        [Property(WandbRequestKind.OperationKey)] string operation,
        CancellationToken cancellationToken);

    [Post("/files/{entity}/{project}/{run}/file_stream")]
    Task<IApiResponse<FileStreamResponse>> FileStreamAsync(
        string entity,
        string project,
        string run,
        [Body] HttpContent request,
        [Property(WandbRequestKind.RunKey)] string lane,
        [Property(WandbRequestKind.OptionKey)] string kind,
        [Property(WandbRequestKind.OperationKey)] string operation,
        CancellationToken cancellationToken);
}

/// <summary>Which retry policy a request gets; set as an <see cref="HttpRequestMessage.Options"/> entry.</summary>
internal static class WandbRequestKind
{
    public const string OptionKey = "RxFactorio.Wandb.RequestKind";

    /// <summary>The request's operation for logs (<c>UpsertBucket</c>, <c>Viewer</c>, <c>file_stream</c>).</summary>
    public const string OperationKey = "RxFactorio.Wandb.Operation";

    /// <summary>The run a request is for: its lane in the <see cref="RateBudget"/>, so runs take turns.</summary>
    public const string RunKey = "RxFactorio.Wandb.Run";
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

    /// <summary>The operation a request was made for (its option), else one named after its kind.</summary>
    public static string OperationOf(HttpRequestMessage? request, string kind)
    {
        if (request is not null && ((IDictionary<string, object?>)request.Options).TryGetValue(OperationKey, out var value) && value is string operation)
        {
            return operation;
        }
        return kind switch
        {
            FileStream => "file_stream",
            UpsertBucket => "UpsertBucket",
            _ => "GraphQL",
        };
    }

    /// <summary>The endpoint a request of <paramref name="kind"/> goes to, when the request itself is not at hand.</summary>
    public static string PathOf(string kind) => kind == FileStream ? "/files/…/file_stream" : "/graphql";
}
