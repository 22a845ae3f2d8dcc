using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>Typed access to GraphQL variables. Missing and JSON null both read as null.</summary>
internal static class Variables
{
    public static string? String(JsonObject variables, string name) => variables[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => other.ToJsonString(),
    };

    /// <summary>Like <see cref="String"/>, but "" is null too: wandb-core sends null for empty values (docs/wandb-protocol.md §2), a server picks defaults for either.</summary>
    public static string? NonEmpty(JsonObject variables, string name) =>
        String(variables, name) is { Length: > 0 } s ? s : null;

    /// <returns>False if the variable is present but not an array of strings.</returns>
    public static bool TryStringList(JsonObject variables, string name, out IReadOnlyList<string>? list)
    {
        list = null;
        switch (variables[name])
        {
            case null:
                return true;
            case JsonArray array when array.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String):
                list = [.. array.Select(x => x!.GetValue<string>())];
                return true;
            default:
                return false;
        }
    }
}
