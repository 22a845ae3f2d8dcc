using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace RxFactorio.Wandb;

/// <summary>Source-generated JSON metadata for every W&amp;B request and response body.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(GraphQlRequest<UpsertBucketVariables>))]
[JsonSerializable(typeof(GraphQlRequest<NoVariables>))]
[JsonSerializable(typeof(GraphQlResponse<UpsertBucketData>))]
[JsonSerializable(typeof(GraphQlResponse<ViewerData>))]
[JsonSerializable(typeof(GraphQlRequest<CreateRunFilesVariables>))]
[JsonSerializable(typeof(GraphQlResponse<CreateRunFilesData>))]
[JsonSerializable(typeof(FileStreamResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class WandbJsonContext : JsonSerializerContext;

/// <summary>Refit's serializer settings for W&amp;B (a separate class: static initializers across the context's partial files run in no set order).</summary>
internal static class WandbRefit
{
    /// <summary>The options Refit and the size estimates share: Refit's fast-path options with this context.</summary>
    internal static readonly JsonSerializerOptions RefitOptions = CreateRefitOptions();

    /// <summary>The escaping of every request body, also of the file_stream bodies written without the serializer (<see cref="FileStreamBody"/>).</summary>
    internal static readonly JavaScriptEncoder BodyEncoder = RefitOptions.Encoder ?? JavaScriptEncoder.Default;

    private static JsonSerializerOptions CreateRefitOptions()
    {
        var options = SystemTextJsonContentSerializer.GetFastPathJsonSerializerOptions();
        options.TypeInfoResolver = WandbJsonContext.Default;
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Refit settings: the source-generated fast path, buffered bodies (so a retry resends the same bytes).</summary>
    internal static RefitSettings CreateRefitSettings() =>
        new(new SystemTextJsonContentSerializer(RefitOptions))
        {
            RequestBodySerialization = RequestBodySerializationMode.Buffered,
        };
}
