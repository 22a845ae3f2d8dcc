using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace RxFactorio.Cli.Settings;

/// <summary>Reads typed values from the layered configuration; a bad value names its setting and its source.</summary>
internal sealed class SettingReader(IConfigurationRoot config)
{
    public string? String(string key) => config[key] is { Length: > 0 } value ? value : null;

    public ImmutableArray<string> List(string key)
    {
        var children = config.GetSection(key).GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (children.Count > 0)
        {
            return [.. children];
        }
        return String(key) is { } joined ? [.. joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [];
    }

    public Uri? Uri(string key) => Parse(key, "an absolute http(s) URL",
        static text => System.Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null);

    public bool? Bool(string key) => ParseStruct<bool>(key, "true or false", static text => bool.TryParse(text, out var b) ? b : null);

    public int? Int(string key) => ParseStruct<int>(key, "a whole number",
        static text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null);

    public TimeSpan? Duration(string key) => ParseStruct<TimeSpan>(key, "a duration such as 15m, 5s, 250ms or 00:15:00",
        static text => Durations.TryParse(text, out var d) ? d : null);

    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, System.Enum =>
        ParseStruct<TEnum>(key, string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant())),
            static text => System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value : null);

    /// <summary>Says which layer set <paramref name="key"/>: "(from rxfactorio.json)" and so on.</summary>
    public string Where(string key)
    {
        foreach (var provider in config.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider switch
                {
                    JsonConfigurationProvider json => $"(from {json.Source.Path})",
                    _ => $"(from {provider})",
                };
            }
        }
        return "(default)";
    }

    private T? Parse<T>(string key, string expected, Func<string, T?> parse)
        where T : class
    {
        if (String(key) is not { } text)
        {
            return null;
        }
        return parse(text) ?? throw Bad(key, text, expected);
    }

    private T? ParseStruct<T>(string key, string expected, Func<string, T?> parse)
        where T : struct
    {
        if (String(key) is not { } text)
        {
            return null;
        }
        return parse(text) ?? throw Bad(key, text, expected);
    }

    private SettingsError Bad(string key, string text, string expected) =>
        new($"setting '{key}' {Where(key)}: '{RxFactorio.Diagnostics.Printable.Of(text, 60)}' is not {expected}");
}
