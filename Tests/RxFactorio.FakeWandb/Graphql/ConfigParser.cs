using System.Text.Json;
using System.Text.Json.Nodes;
using RxFactorio.FakeWandb.Http;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>
/// Parses the UpsertBucket config JSON string: {"key":{"value":…}} from wandb-core, {"key":{"desc":null,"value":…}}
/// from the legacy sender (docs/wandb-protocol.md §2). Returns the unwrapped key → value map. Bare NaN/Infinity are tolerated.
/// </summary>
internal static class ConfigParser
{
    public static bool TryParse(string json, out JsonObject? unwrapped, out string? error)
    {
        unwrapped = null;
        JsonNode? node;
        try
        {
            node = TolerantJson.Parse(json);
        }
        catch (JsonException e)
        {
            error = $"config is not valid JSON: {e.Message}";
            return false;
        }

        if (node is not JsonObject root)
        {
            error = "config must be a JSON object";
            return false;
        }

        unwrapped = [];
        foreach (var (key, value) in root)
        {
            // The real server's handling of an entry without "value" is not established; keep it as sent.
            unwrapped[key] = value is JsonObject wrapper && wrapper.ContainsKey("value")
                ? wrapper["value"]?.DeepClone()
                : value?.DeepClone();
        }

        error = null;
        return true;
    }
}
