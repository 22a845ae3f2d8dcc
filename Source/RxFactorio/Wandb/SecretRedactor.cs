using System.Net;
using System.Text;

namespace RxFactorio.Wandb;

/// <summary>
/// Takes the API key out of text: the key itself, its <c>Authorization: Basic</c> form
/// (base64 of <c>api:KEY</c>, padded or not, and its base64url spelling) and the URL-encoded
/// forms of both, matched without regard to case. <see cref="WandbConnection"/> passes every
/// text that came from a server (error bodies, GraphQL errors, transport messages) through one
/// instance before it reaches a message, a log line or an exception.
/// </summary>
internal sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    private readonly string[] _forms;

    public SecretRedactor(WandbCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var key = credentials.ApiKey;
        var padded = Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + key));
        var basic = padded.TrimEnd('=');
        string[] plain = [key, padded, basic, basic.Replace('+', '-').Replace('/', '_')];
        _forms = [.. plain
            .Concat(plain.Select(Uri.EscapeDataString))
            .Concat(plain.Select(WebUtility.UrlEncode).OfType<string>())
            .Where(form => form.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            // NOTE: longest first, so that a form containing another is masked whole.
            .OrderByDescending(form => form.Length)];
    }

    /// <summary>The text with every form of the key replaced by <see cref="Mask"/>; <c>null</c> stays <c>null</c>.</summary>
    /// <param name="text">Any text, e.g. a server's error body.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        foreach (var form in _forms)
        {
            if (text.Contains(form, StringComparison.OrdinalIgnoreCase))
            {
                text = text.Replace(form, Mask, StringComparison.OrdinalIgnoreCase);
            }
        }
        return text;
    }
}
