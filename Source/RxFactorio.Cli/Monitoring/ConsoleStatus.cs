namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// The terminal the live status line is drawn on, if any, so that every other line written to
/// stderr (log lines, the stop notice) erases it first instead of being glued to it.
/// </summary>
internal sealed class ConsoleStatus(TextWriter? terminal, Func<int>? width = null)
{
    public const string EraseLine = "\r\u001b[2K";

    /// <summary>Where the status line goes; null when stderr is not a terminal, with --quiet, TERM=dumb or JSON logs.</summary>
    public TextWriter? Terminal => terminal;

    /// <summary>
    /// What starts every line written to stderr: an erase whenever a status line may be on screen.
    /// NOTE: not only once one was drawn: the console logger writes on its own thread, so a line
    /// formatted before the first redraw may reach the terminal after it.
    /// </summary>
    public string LinePrefix => terminal is null ? "" : EraseLine;

    /// <summary>The terminal's width in columns, asked at each redraw (it may be resized); 80 when unknown (a pseudo-terminal of size 0).</summary>
    public int Columns()
    {
        int columns;
        try
        {
            columns = width is null ? Console.WindowWidth : width();
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException)
        {
            columns = 0;
        }
        return columns > 0 ? columns : 80;
    }
}
