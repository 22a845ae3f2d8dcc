using Microsoft.Extensions.Logging;
using RxFactorio.Diagnostics;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// Logs bad input without flooding: the first <see cref="LogFirst"/> diagnostics one line each
/// (source, line number, reason), then at most one summary line per <see cref="SummaryEvery"/>
/// with how many more there were, by reason. Sources and details are escaped (<see cref="Printable"/>): one diagnostic is one log line. Thread-safe; time comes from a <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class DiagnosticLog(ILogger logger, TimeProvider time) : IObserver<IngestDiagnostic>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DiagnosticReason, long> _suppressed = [];
    private long _logged;
    private DateTimeOffset _lastSummary = time.GetUtcNow();

    public int LogFirst { get; init; } = 10;

    public TimeSpan SummaryEvery { get; init; } = TimeSpan.FromMinutes(1);

    public void OnNext(IngestDiagnostic value)
    {
        lock (_gate)
        {
            if (_logged < LogFirst)
            {
                _logged++;
                LogDiagnostic(logger, Printable.Escape(value.Source), value.LineNumber, value.Reason, Printable.Escape(value.Detail), _logged == LogFirst ? " (further ones are summarised once a minute)" : "");
                _lastSummary = time.GetUtcNow();
                return;
            }
            _suppressed[value.Reason] = _suppressed.GetValueOrDefault(value.Reason) + 1;
            if (time.GetUtcNow() - _lastSummary >= SummaryEvery)
            {
                FlushLocked(value.Source, value.LineNumber);
            }
        }
    }

    /// <summary>Logs the summary of what was held back, if anything (at the end of a run, or from a timer).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked(null, null);
        }
    }

    /// <summary>Logs the summary if the last line is older than <see cref="SummaryEvery"/> (from a timer).</summary>
    public void FlushIfDue()
    {
        lock (_gate)
        {
            if (time.GetUtcNow() - _lastSummary >= SummaryEvery)
            {
                FlushLocked(null, null);
            }
        }
    }

    private void FlushLocked(string? lastSource, long? lastLine)
    {
        if (_suppressed.Count == 0)
        {
            return;
        }
        var total = _suppressed.Values.Sum();
        var byReason = string.Join(", ", _suppressed.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
        var last = lastSource is null ? "" : $"; latest at {Printable.Escape(lastSource)}:{lastLine}";
        LogSummary(logger, total, byReason, last);
        _suppressed.Clear();
        _lastSummary = time.GetUtcNow();
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}:{LineNumber}: line not accepted: {Reason}: {Detail}{More}")]
    private static partial void LogDiagnostic(ILogger logger, string source, long lineNumber, DiagnosticReason reason, string detail, string more);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more line(s) not accepted ({ByReason}){Last}")]
    private static partial void LogSummary(ILogger logger, long count, string byReason, string last);
}

/// <summary>Several diagnostic observers as one.</summary>
internal sealed class DiagnosticFanOut(params IObserver<IngestDiagnostic>[] observers) : IObserver<IngestDiagnostic>
{
    public void OnNext(IngestDiagnostic value)
    {
        foreach (var observer in observers)
        {
            observer.OnNext(value);
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
