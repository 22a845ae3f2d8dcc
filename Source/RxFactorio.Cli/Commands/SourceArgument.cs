using System.Diagnostics.CodeAnalysis;
using RxFactorio.Diagnostics;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Commands;

/// <summary>
/// One <c>--source</c> of <c>run</c>: <c>[LABEL=]WHAT</c>. The text before the first <c>=</c> is a
/// label when it has no <c>/</c> or <c>\</c> in it; so a path whose first part holds a <c>=</c>
/// is written with <c>./</c> before it (<c>./a=b.jsonl</c>). WHAT is a path, a glob, a folder,
/// <c>udp://HOST:PORT</c> or <c>-</c>.
/// </summary>
/// <param name="Text">The argument as given.</param>
/// <param name="Path">What to read (the argument without its label).</param>
/// <param name="Label">The label given, or <c>null</c> (derived from the source then).</param>
internal sealed record SourceArgument(string Text, string Path, string? Label)
{
    /// <summary>Reads one <c>--source</c> value; on failure, <paramref name="error"/> is one printable line naming it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SourceArgument? argument, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        argument = null;
        error = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || text.AsSpan(0, equals).IndexOfAny('/', '\\') >= 0)
        {
            argument = new SourceArgument(text, text, null);
            return Valid(argument, out error);
        }
        var label = text[..equals];
        if (!SourceLabel.IsValid(label))
        {
            error = $"'{Printable.Of(text, 200)}': the label '{Printable.Of(label, 100)}' must be 1 to {SourceLabel.MaxLength} letters, digits, '.', '_' or '-' " +
                "(for a path with '=' in its first part, write ./ before it)";
            return false;
        }
        argument = new SourceArgument(text, text[(equals + 1)..], label);
        return Valid(argument, out error);
    }

    private static bool Valid(SourceArgument argument, [NotNullWhen(false)] out string? error)
    {
        error = argument.Path.Length == 0 ? $"'{Printable.Of(argument.Text, 200)}' names nothing to read after its label" : null;
        return error is null;
    }
}
