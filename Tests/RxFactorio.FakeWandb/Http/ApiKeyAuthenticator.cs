using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace RxFactorio.FakeWandb.Http;

/// <summary>
/// Checks <c>Authorization: Basic base64("api:" + key)</c> (docs/wandb-protocol.md §1, credentials.go) and returns the key owner's default entity.
/// The user name must be "api", which is what wandb-core and the legacy client send; a real server may be laxer.
/// </summary>
internal sealed class ApiKeyAuthenticator(IReadOnlyDictionary<string, string> keysToEntity)
{
    /// <returns>The key owner's default entity, or null if the header is missing or wrong.</returns>
    public string? Authenticate(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string prefix = "Basic ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[prefix.Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != "api")
        {
            return null;
        }

        var key = Encoding.UTF8.GetBytes(decoded[(colon + 1)..]);
        foreach (var (candidate, entity) in keysToEntity)
        {
            if (CryptographicOperations.FixedTimeEquals(key, Encoding.UTF8.GetBytes(candidate)))
            {
                return entity;
            }
        }

        return null;
    }
}
