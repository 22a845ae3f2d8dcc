using System.Text;

namespace RxFactorio.Wandb;

/// <summary>One <c>machine</c> (or <c>default</c>) entry of a netrc file.</summary>
/// <param name="Machine">The machine name (W&amp;B: the base URL's <c>host[:port]</c>); <c>null</c> for <c>default</c>.</param>
/// <param name="Login">The <c>login</c> token, if any.</param>
/// <param name="Password">The <c>password</c> token (W&amp;B: the API key), if any.</param>
/// <param name="Account">The <c>account</c> token, if any.</param>
internal sealed record NetrcEntry(string? Machine, string? Login, string? Password, string? Account)
{
    /// <summary>Masks the password.</summary>
    public override string ToString() =>
        $"NetrcEntry {{ Machine = {Machine ?? "(default)"}, Login = {Login}, Password = {(Password is null ? "(none)" : "(hidden)")} }}";
}

/// <summary>
/// A small netrc parser: tokens <c>machine</c>, <c>default</c>, <c>login</c>, <c>password</c>,
/// <c>account</c>, <c>macdef</c> (skipped to the next blank line), <c>#</c> comments to the end of
/// the line, and double-quoted tokens with backslash escapes. Unknown tokens are skipped.
/// </summary>
internal static class NetrcParser
{
    /// <summary>Parses netrc text into its entries, in file order.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The entries; <c>default</c> has a <c>null</c> machine.</returns>
    public static IReadOnlyList<NetrcEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<NetrcEntry>();
        var pos = 0;
        NetrcEntry? current = null;
        while (NextToken(text, ref pos) is { } token)
        {
            switch (token)
            {
                case "machine":
                    Flush();
                    current = new NetrcEntry(NextToken(text, ref pos) ?? "", null, null, null);
                    break;
                case "default":
                    Flush();
                    current = new NetrcEntry(null, null, null, null);
                    break;
                case "login" when current is not null:
                    current = current with { Login = NextToken(text, ref pos) };
                    break;
                case "password" when current is not null:
                    current = current with { Password = NextToken(text, ref pos) };
                    break;
                case "account" when current is not null:
                    current = current with { Account = NextToken(text, ref pos) };
                    break;
                case "macdef":
                    Flush();
                    SkipMacro(text, ref pos);
                    break;
            }
        }
        Flush();
        return entries;

        void Flush()
        {
            if (current is not null)
            {
                entries.Add(current);
                current = null;
            }
        }
    }

    /// <summary>The entry for <paramref name="machine"/> (compared without case), else the <c>default</c> entry, else <c>null</c>.</summary>
    /// <param name="entries">Parsed entries.</param>
    /// <param name="machine">The machine name, e.g. <c>api.wandb.ai</c> or <c>localhost:8080</c>.</param>
    public static NetrcEntry? Find(IReadOnlyList<NetrcEntry> entries, string machine)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.FirstOrDefault(e => e.Machine is not null && string.Equals(e.Machine, machine, StringComparison.OrdinalIgnoreCase))
            ?? entries.FirstOrDefault(e => e.Machine is null);
    }

    private static string? NextToken(string text, ref int pos)
    {
        while (pos < text.Length)
        {
            var c = text[pos];
            if (char.IsWhiteSpace(c))
            {
                pos++;
            }
            else if (c == '#')
            {
                while (pos < text.Length && text[pos] != '\n')
                {
                    pos++;
                }
            }
            else
            {
                break;
            }
        }
        if (pos >= text.Length)
        {
            return null;
        }
        var sb = new StringBuilder();
        if (text[pos] == '"')
        {
            pos++;
            while (pos < text.Length && text[pos] != '"')
            {
                if (text[pos] == '\\' && pos + 1 < text.Length)
                {
                    pos++;
                }
                sb.Append(text[pos++]);
            }
            pos++;
            return sb.ToString();
        }
        while (pos < text.Length && !char.IsWhiteSpace(text[pos]))
        {
            if (text[pos] == '\\' && pos + 1 < text.Length)
            {
                pos++;
            }
            sb.Append(text[pos++]);
        }
        return sb.ToString();
    }

    private static void SkipMacro(string text, ref int pos)
    {
        // The macro name, then the body up to the first empty line.
        NextToken(text, ref pos);
        var end = text.IndexOf("\n\n", pos, StringComparison.Ordinal);
        var endCrLf = text.IndexOf("\r\n\r\n", pos, StringComparison.Ordinal);
        if (end < 0 || (endCrLf >= 0 && endCrLf < end))
        {
            end = endCrLf;
        }
        pos = end < 0 ? text.Length : end;
    }
}
