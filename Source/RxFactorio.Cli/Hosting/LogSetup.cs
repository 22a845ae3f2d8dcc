using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using RxFactorio.Cli.Monitoring;

namespace RxFactorio.Cli.Hosting;

/// <summary>How <c>run</c> and <c>replay</c> log: on stderr, one readable line each (or JSON), never the API key.</summary>
internal static class LogSetup
{
    public static void Configure(ILoggingBuilder logging, bool json, bool quiet)
    {
        logging.ClearProviders();
        logging.Services.TryAddSingleton(new ConsoleStatus(terminal: null));
        logging.AddConsoleFormatter<HumanConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddJsonConsole(o =>
        {
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        // NOTE: after AddJsonConsole, which sets the formatter name itself; the last one wins.
        logging.AddConsole(o =>
        {
            o.FormatterName = json ? ConsoleFormatterNames.Json : HumanConsoleFormatter.FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.SetMinimumLevel(quiet ? LogLevel.Warning : LogLevel.Information);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Warning);
    }
}

/// <summary><c>12:03:04 info  Run started: …</c>: one line per entry; erases the live status line first.</summary>
internal sealed class HumanConsoleFormatter(ConsoleStatus status) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "rxfactorio";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }
        textWriter.Write(status.LinePrefix);
        textWriter.Write(DateTime.Now.ToString("HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce  ",
            LogLevel.Debug => "dbug  ",
            LogLevel.Information => "info  ",
            LogLevel.Warning => "warn  ",
            LogLevel.Error => "fail  ",
            _ => "crit  ",
        });
        // NOTE: every message is escaped here too, so no argument (a name, a server's text) can break the line or send terminal escapes.
        textWriter.Write(message is null ? null : RxFactorio.Diagnostics.Printable.Escape(message));
        if (logEntry.Exception is { } ex)
        {
            textWriter.Write($" ({ex.GetType().Name}: {RxFactorio.Diagnostics.Printable.Escape(ex.Message)})");
        }
        textWriter.Write('\n');
    }
}
