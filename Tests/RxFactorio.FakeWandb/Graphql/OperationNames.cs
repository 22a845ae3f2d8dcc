using System.Text.RegularExpressions;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>Which operation a request is: by operationName, else by the query text (docs/wandb-protocol.md §2: "match on operationName or on the upsertBucket( substring").</summary>
internal static partial class OperationNames
{
    public const string Viewer = "Viewer";
    public const string UpsertBucket = "UpsertBucket";
    public const string ServerFeaturesQuery = "ServerFeaturesQuery";
    public const string RunResumeStatus = "RunResumeStatus";
    public const string CreateRunFiles = "CreateRunFiles";
    public const string MarkRunFilesUploaded = "MarkRunFilesUploaded";

    private static readonly string[] _known = [Viewer, UpsertBucket, ServerFeaturesQuery, RunResumeStatus, CreateRunFiles, MarkRunFilesUploaded];

    /// <summary>The name as sent (or parsed from the query), for the request log.</summary>
    public static string? Named(string? operationName, string? query) =>
        !string.IsNullOrEmpty(operationName) ? operationName
        : query is not null && OperationHeader().Match(query) is { Success: true } m ? m.Groups[1].Value
        : null;

    /// <summary>The known operation to dispatch to, or null.</summary>
    public static string? Resolve(string? name, string? query)
    {
        if (name is not null && _known.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }

        query ??= "";
        return query.Contains("upsertBucket(", StringComparison.Ordinal) ? UpsertBucket
            : query.Contains("serverInfo", StringComparison.Ordinal) ? ServerFeaturesQuery
            : query.Contains("bucket(name:", StringComparison.Ordinal) ? RunResumeStatus
            : query.Contains("createRunFiles(", StringComparison.Ordinal) ? CreateRunFiles
            : query.Contains("markRunFilesUploaded(", StringComparison.Ordinal) ? MarkRunFilesUploaded
            : ViewerField().IsMatch(query) ? Viewer
            : null;
    }

    public static string? RootField(string? operation) => operation switch
    {
        Viewer => "viewer",
        UpsertBucket => "upsertBucket",
        ServerFeaturesQuery => "serverInfo",
        RunResumeStatus => "model",
        CreateRunFiles => "createRunFiles",
        MarkRunFilesUploaded => "markRunFilesUploaded",
        _ => null,
    };

    [GeneratedRegex(@"^\s*(?:query|mutation)\s+([A-Za-z_]\w*)")]
    private static partial Regex OperationHeader();

    [GeneratedRegex(@"\{\s*viewer\s*\{")]
    private static partial Regex ViewerField();
}
