using System.Globalization;

namespace RxFactorio.Benchmarks.Modes;

/// <summary>The few <c>--name value</c> options the extra modes take.</summary>
internal static class CommandLine
{
    public static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }
        if (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new ArgumentException($"{name} needs a positive whole number");
        }
        return value;
    }

    /// <summary>The first argument that is neither an option nor an option's value.</summary>
    public static string? Positional(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                i++;
                continue;
            }
            return args[i];
        }
        return null;
    }
}
