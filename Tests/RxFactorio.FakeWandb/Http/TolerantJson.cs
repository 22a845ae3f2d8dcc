using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxFactorio.FakeWandb.Http;

/// <summary>
/// Parses wandb JSON, which may hold bare NaN, Infinity and -Infinity tokens (docs/wandb-protocol.md §2 "Config encoding", §8).
/// System.Text.Json rejects those, so they are turned into the strings "NaN", "Infinity", "-Infinity" first.
/// </summary>
public static class TolerantJson
{
    private static readonly string[] _specialTokens = ["-Infinity", "Infinity", "NaN"];

    public static JsonNode? Parse(string json) => JsonNode.Parse(QuoteSpecialNumbers(json));

    public static bool TryParse(string json, out JsonNode? node)
    {
        try
        {
            node = Parse(json);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    internal static string QuoteSpecialNumbers(string json)
    {
        if (!json.Contains("NaN", StringComparison.Ordinal) && !json.Contains("Infinity", StringComparison.Ordinal))
        {
            return json;
        }

        var sb = new StringBuilder(json.Length + 16);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    sb.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                sb.Append(c);
                continue;
            }

            var token = _specialTokens.FirstOrDefault(t => string.CompareOrdinal(json, i, t, 0, t.Length) == 0);
            if (token is not null)
            {
                sb.Append('"').Append(token).Append('"');
                i += token.Length - 1;
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
