namespace RxFactorio.Wandb;

/// <summary>
/// A W&amp;B API key and where it came from. The key is never shown: <see cref="ToString"/> masks
/// it, and no exception or log line of this library contains it.
/// </summary>
public sealed class WandbCredentials
{
    /// <summary>Wraps a key.</summary>
    /// <param name="apiKey">The API key (the password of HTTP Basic auth with user <c>api</c>).</param>
    /// <param name="source">Where the key came from, e.g. <c>WANDB_API_KEY</c> or a netrc path (never the key).</param>
    /// <exception cref="ArgumentException">The key is empty or has whitespace or control characters.</exception>
    public WandbCredentials(string apiKey, string source = "explicit")
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(source);
        if (apiKey.Length == 0 || apiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // NOTE: the message must not quote the key.
            throw new ArgumentException($"The W&B API key from {source} is empty or contains whitespace or control characters.", nameof(apiKey));
        }
        ApiKey = apiKey;
        Source = source;
    }

    /// <summary>The API key. Handle with care: never log it.</summary>
    public string ApiKey { get; }

    /// <summary>Where the key came from (<c>WANDB_API_KEY</c>, a netrc path, or <c>explicit</c>).</summary>
    public string Source { get; }

    /// <summary>The <c>Authorization</c> header value: <c>Basic base64("api:" + key)</c>.</summary>
    internal string BasicAuthorizationParameter => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("api:" + ApiKey));

    /// <summary>Describes the credentials with the key masked.</summary>
    public override string ToString() => $"W&B API key (hidden, {ApiKey.Length} characters) from {Source}";
}
