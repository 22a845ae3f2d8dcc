using System.Text;

namespace RxFactorio.Sources;

/// <summary>
/// The label a source's runs carry (their config <c>source</c>, and a tag or their group): 1 to
/// <see cref="MaxLength"/> letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, so that it is a valid
/// W&amp;B tag (1–64 characters, wandb/sdk/wandb_settings.py <c>validate_run_tags</c>) and safe in a
/// log line. A label derived from a name the user did not write (a file found by a glob) is
/// made one by <see cref="Sanitise"/>.
/// </summary>
internal static class SourceLabel
{
    /// <summary>The longest label: 64 characters (W&amp;B's longest tag).</summary>
    public const int MaxLength = 64;

    /// <summary>What an empty name becomes.</summary>
    public const string Fallback = "source";

    /// <summary>Whether <paramref name="label"/> is a label as it is.</summary>
    /// <param name="label">The text.</param>
    public static bool IsValid(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var count = 0;
        foreach (var rune in label.EnumerateRunes())
        {
            if (!IsAllowed(rune) || ++count > MaxLength)
            {
                return false;
            }
        }
        return count > 0;
    }

    /// <summary>
    /// <paramref name="name"/> made a label: every character that may not be in one becomes <c>_</c>
    /// (a lone surrogate too), cut to <see cref="MaxLength"/>; an empty name is <see cref="Fallback"/>.
    /// </summary>
    /// <param name="name">Untrusted text, e.g. a file name.</param>
    public static string Sanitise(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(Math.Min(name.Length, MaxLength * 2));
        var count = 0;
        for (var i = 0; i < name.Length && count < MaxLength; count++)
        {
            if (Rune.TryGetRuneAt(name, i, out var rune))
            {
                if (IsAllowed(rune))
                {
                    builder.Append(rune.ToString());
                }
                else
                {
                    builder.Append('_');
                }
                i += rune.Utf16SequenceLength;
            }
            else
            {
                builder.Append('_');
                i++;
            }
        }
        return builder.Length == 0 ? Fallback : builder.ToString();
    }

    /// <summary>
    /// The label of a source given as <paramref name="source"/> when none is set: <c>stdin</c> for <c>-</c>,
    /// <c>udp-PORT</c> for a <c>udp://</c> address, else the file name without its extension
    /// (<c>script-output/server1.jsonl</c> → <c>server1</c>), sanitised.
    /// </summary>
    /// <param name="source">The source as given: a path, <c>-</c> or a <c>udp://</c> address.</param>
    public static string Default(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (source == "-")
        {
            return "stdin";
        }
        if (UdpAddress.IsUdp(source))
        {
            return Sanitise("udp-" + source[(source.LastIndexOf(':') + 1)..]);
        }
        var name = Path.GetFileName(source.TrimEnd('/', Path.DirectorySeparatorChar));
        var stem = Path.GetFileNameWithoutExtension(name);
        return Sanitise(stem.Length > 0 ? stem : name);
    }

    private static bool IsAllowed(Rune rune) =>
        Rune.IsLetterOrDigit(rune) || rune.Value is '.' or '_' or '-';
}
