using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace RxFactorio.Cli.Hosting;

/// <summary>
/// The host's lifetime: the first SIGINT/SIGTERM/SIGQUIT asks for a graceful stop
/// (<see cref="IHostApplicationLifetime.StopApplication"/>: reading ends, every batch is
/// flushed, every run finished); a second one aborts at once (<see cref="Abort"/>).
/// NOTE: instead of <c>ConsoleLifetime</c>, which treats a second Ctrl+C like the first, so an
/// operator could not cut a slow drain short.
/// </summary>
internal sealed class ShutdownSignals(IHostApplicationLifetime lifetime, TextWriter error, string command, Monitoring.ConsoleStatus status) : IHostLifetime, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    /// <summary>Cancelled by a second signal or when the shutdown deadline passes.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>Why <see cref="Abort"/> was cancelled.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>The first signal, if any (e.g. SIGTERM).</summary>
    public string? FirstSignal { get; private set; }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var name = context.Signal.ToString();
        if (Interlocked.Increment(ref _signals) == 1)
        {
            FirstSignal = name;
            error.WriteLine($"{status.LinePrefix}rxfactorio {command}: {name}: stopping: reading ends, pending batches are flushed and runs finished (send it again to stop at once)");
            lifetime.StopApplication();
        }
        else
        {
            TriggerAbort($"second {name}");
        }
    }

    /// <summary>Stops at once: what is still queued is abandoned, runs are left unfinished.</summary>
    public void TriggerAbort(string reason)
    {
        AbortReason ??= reason;
        _abort.Cancel();
        lifetime.StopApplication();
    }

    public void Dispose()
    {
        // NOTE: _abort is not disposed: disposing a registration does not wait for a handler
        // already running (a second signal as the host shuts down), whose TriggerAbort would then
        // throw ObjectDisposedException on the signal thread and kill the process. A token source
        // without a timer or links holds nothing that needs disposing.
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
