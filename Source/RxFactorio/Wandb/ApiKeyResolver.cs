namespace RxFactorio.Wandb;

/// <summary>
/// Finds the W&amp;B API key as the SDK does: <c>WANDB_API_KEY</c>, else the <c>password</c> of the
/// netrc entry for the base URL's <c>host[:port]</c> (file from <c>NETRC</c>, else <c>~/.netrc</c>,
/// or <c>~/_netrc</c> on Windows when <c>.netrc</c> is missing). Environment and files are reached
/// through delegates, so tests never touch the real ones.
/// </summary>
public sealed class ApiKeyResolver
{
    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly Func<string, string?> _readFile;
    private readonly string? _homeDirectory;

    /// <summary>Creates a resolver.</summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable; default <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="readFile">Reads a whole file, or returns <c>null</c> if it does not exist; default reads from disk.</param>
    /// <param name="homeDirectory">The home folder; default <c>HOME</c> (or <c>USERPROFILE</c>), else the user profile folder.</param>
    public ApiKeyResolver(Func<string, string?>? getEnvironmentVariable = null, Func<string, string?>? readFile = null, string? homeDirectory = null)
    {
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        _readFile = readFile ?? (path => File.Exists(path) ? File.ReadAllText(path) : null);
        _homeDirectory = homeDirectory;
    }

    /// <summary>Resolves the key for <paramref name="baseUrl"/>.</summary>
    /// <param name="baseUrl">The W&amp;B base URL; its <c>host[:port]</c> names the netrc machine.</param>
    /// <returns>The credentials, or <c>null</c> when no key is configured.</returns>
    public WandbCredentials? Resolve(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var fromEnv = _getEnvironmentVariable("WANDB_API_KEY");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return new WandbCredentials(fromEnv.Trim(), "environment variable WANDB_API_KEY");
        }
        foreach (var path in NetrcPaths())
        {
            var text = _readFile(path);
            if (text is null)
            {
                continue;
            }
            var machine = baseUrl.IsDefaultPort ? baseUrl.Host : $"{baseUrl.Host}:{baseUrl.Port}";
            var entry = NetrcParser.Find(NetrcParser.Parse(text), machine);
            return string.IsNullOrEmpty(entry?.Password) ? null : new WandbCredentials(entry.Password, $"netrc file {path} (machine {machine})");
        }
        return null;
    }

    /// <summary>Resolves the key, or throws a message that says where it was looked for.</summary>
    /// <param name="baseUrl">The W&amp;B base URL.</param>
    /// <exception cref="InvalidOperationException">No key was found.</exception>
    public WandbCredentials ResolveRequired(Uri baseUrl) =>
        Resolve(baseUrl) ?? throw new InvalidOperationException(
            $"No W&B API key: set WANDB_API_KEY, or add 'machine {(baseUrl.IsDefaultPort ? baseUrl.Host : $"{baseUrl.Host}:{baseUrl.Port}")} login user password <key>' to {string.Join(" or ", NetrcPaths())}.");

    private IEnumerable<string> NetrcPaths()
    {
        var explicitPath = _getEnvironmentVariable("NETRC");
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return explicitPath;
            yield break;
        }
        var home = _homeDirectory
            ?? NonEmpty(_getEnvironmentVariable("HOME"))
            ?? NonEmpty(_getEnvironmentVariable("USERPROFILE"))
            ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            yield break;
        }
        yield return Path.Combine(home, ".netrc");
        if (OperatingSystem.IsWindows())
        {
            yield return Path.Combine(home, "_netrc");
        }
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
