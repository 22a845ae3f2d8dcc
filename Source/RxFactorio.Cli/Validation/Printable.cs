using System.Text;

namespace RxFactorio.Cli.Validation;

/// <summary>Makes untrusted text (session ids, excerpts) safe to print on a terminal: no control characters, bounded length.</summary>
internal static class Printable
{
    public static string Of(string text, int maxChars = 80)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 1);
        foreach (var c in text)
        {
            if (builder.Length == maxChars)
            {
                builder.Append('…');
                break;
            }
            builder.Append(char.IsControl(c) ? '\uFFFD' : c);
        }
        return builder.ToString();
    }
}
