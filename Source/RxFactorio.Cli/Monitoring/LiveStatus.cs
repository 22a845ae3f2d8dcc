using Microsoft.Extensions.Logging;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// Once a second: redraws the status line (or a replay's progress bar) on a terminal, logs a
/// retry burst (at most every 30 s) and the summary of held-back diagnostics; every 5 s when
/// there is no terminal (less waking for a process that idles for weeks). The numbers come
/// from <see cref="PipelineMetrics"/>; no pipeline thread ever waits on this.
/// </summary>
internal sealed partial class LiveStatus : IDisposable
{
    private readonly PipelineMetrics _metrics;
    private readonly DiagnosticLog _diagnostics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConsoleStatus _status;
    private readonly long? _replayBytes;
    private static readonly TimeSpan TerminalTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuietTick = TimeSpan.FromSeconds(5);
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started;
    private MetricsSnapshot _previous;
    private DateTimeOffset _previousAt;
    private long _retriesLogged;
    private DateTimeOffset _lastRetryLog = DateTimeOffset.MinValue;
    private bool _drawn;
    private bool _disposed;

    /// <param name="status">Where to draw the status line (<see cref="ConsoleStatus.Terminal"/>, none when null) and how wide.</param>
    /// <param name="replayBytes">For a replay: the total size of the recordings (draws a progress bar).</param>
    public LiveStatus(PipelineMetrics metrics, DiagnosticLog diagnostics, ILogger logger, TimeProvider time, ConsoleStatus status, long? replayBytes)
    {
        _metrics = metrics;
        _diagnostics = diagnostics;
        _logger = logger;
        _time = time;
        _status = status;
        _replayBytes = replayBytes;
        _previous = metrics.Snapshot();
        _previousAt = _started = time.GetUtcNow();
        // Without a status line to redraw, the tick only reports retries and held-back diagnostics.
        var period = status.Terminal is null ? QuietTick : TerminalTick;
        _timer = time.CreateTimer(_ => Tick(), null, period, period);
    }

    public void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            var now = _time.GetUtcNow();
            var snapshot = _metrics.Snapshot();
            var seconds = Math.Max((now - _previousAt).TotalSeconds, 0.001);
            var eventsPerSecond = (snapshot.EventsTotal - _previous.EventsTotal) / seconds;
            if (snapshot.HttpRetries > _retriesLogged && now - _lastRetryLog >= TimeSpan.FromSeconds(30))
            {
                LogRetries(_logger, snapshot.HttpRetries - _retriesLogged, snapshot.HttpRequests, snapshot.RowsPending);
                _retriesLogged = snapshot.HttpRetries;
                _lastRetryLog = now;
            }
            _diagnostics.FlushIfDue();
            if (_status.Terminal is { } terminal)
            {
                var columns = _status.Columns();
                string line;
                if (_replayBytes is { } total)
                {
                    var elapsed = Math.Max((now - _started).TotalSeconds, 0.001);
                    line = StatusLine.Progress(snapshot, total, eventsPerSecond, snapshot.BytesRead / elapsed, columns);
                }
                else
                {
                    line = StatusLine.Fit(StatusLine.Format(snapshot, eventsPerSecond), columns);
                }
                terminal.Write(ConsoleStatus.EraseLine + line);
                terminal.Flush();
                _drawn = true;
            }
            _previous = snapshot;
            _previousAt = now;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _timer.Dispose();
            if (_drawn && _status.Terminal is { } terminal)
            {
                // The report follows on stdout: it must start on a clean line.
                terminal.Write(ConsoleStatus.EraseLine);
                terminal.Flush();
            }
            _diagnostics.Flush();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "W&B: {Retries} request(s) retried since the last report ({Requests} requests so far, {Pending} row(s) pending); rows wait, nothing is lost")]
    private static partial void LogRetries(ILogger logger, long retries, long requests, long pending);
}
