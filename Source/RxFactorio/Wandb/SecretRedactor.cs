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
internal sealed partial class SecretRedactor
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

    /// <summary>
    /// A command line fit to be shown (<c>wandb-metadata.json</c>'s <c>args</c>): the value of an option whose
    /// name says key, token, secret or password (<c>--api-key X</c>, <c>--api-key=X</c>, <c>WANDB_API_KEY=X</c>) and any run of 40 or more
    /// of <c>[A-Za-z0-9_-]</c> (what a W&amp;B key looks like) become <see cref="Mask"/>. RxFactorio never takes
    /// the key as an argument; this is for what a user typed anyway.
    /// </summary>
    /// <param name="args">The arguments, without the program.</param>
    public static IReadOnlyList<string> RedactArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var redacted = new List<string>(args.Count);
        var secretNext = false;
        foreach (var arg in args)
        {
            if (secretNext && !arg.StartsWith('-'))
            {
                redacted.Add(Mask);
                secretNext = false;
                continue;
            }
            secretNext = false;
            var text = KeyLike().Replace(arg, Mask);
            if (SecretOption().Match(text) is { Success: true } option)
            {
                if (option.Groups["value"].Success)
                {
                    text = option.Groups["name"].Value + "=" + Mask;
                }
                else
                {
                    secretNext = text.StartsWith('-');
                }
            }
            redacted.Add(text);
        }
        return redacted;
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex KeyLike();

    [System.Text.RegularExpressions.GeneratedRegex("^(?<name>-{0,2}[A-Za-z0-9_-]*(?:key|token|secret|password|passwd)[A-Za-z0-9_-]*)(?:=(?<value>.*))?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretOption();
}
