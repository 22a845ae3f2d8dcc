using Microsoft.Extensions.Hosting;
using RxFactorio.Cli.Hosting;
using RxFactorio.Cli.Monitoring;

namespace RxFactorio.Tests.Cli.Hosting;

public sealed class ShutdownSignalsTests
{
    private sealed class Lifetime : IHostApplicationLifetime
    {
        public int Stops { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stops++;
    }

    /// <summary>
    /// Disposing a PosixSignalRegistration does not wait for a handler already running, so a second
    /// signal that arrives as the host is disposed can still reach TriggerAbort.
    /// </summary>
    [Test]
    public void TriggerAbort_AfterDispose_DoesNotThrow()
    {
        var lifetime = new Lifetime();
        var signals = new ShutdownSignals(lifetime, TextWriter.Null, "run", new ConsoleStatus(terminal: null));
        signals.Dispose();

        Assert.DoesNotThrow(() => signals.TriggerAbort("second SIGTERM"));
        Assert.That(signals.Abort.IsCancellationRequested, Is.True);
        Assert.That(signals.AbortReason, Is.EqualTo("second SIGTERM"));
    }
}
