namespace RxFactorio.Cli.Hosting;

/// <summary>Whether <c>run</c> and <c>replay</c> draw the live status line, and where.</summary>
internal static class StatusTerminal
{
    /// <summary>
    /// stderr when it is this process's own terminal; none with <c>--quiet</c>, with JSON logs (a
    /// machine reads them: no escape sequences in between), with <c>TERM=dumb</c> (no cursor
    /// control) or when stderr is redirected. <c>NO_COLOR</c> changes nothing: the line has no colours.
    /// </summary>
    public static TextWriter? Choose(CliEnvironment environment, bool quiet, bool jsonLogs)
    {
        if (quiet || jsonLogs || environment.GetVariable("TERM") == "dumb")
        {
            return null;
        }
        return Console.IsErrorRedirected || !ReferenceEquals(environment.Error, Console.Error) ? null : Console.Error;
    }
}
