using System.Runtime.InteropServices;

namespace RxFactorio.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // NOTE: SIGTERM (and Ctrl+C) stop the command cleanly: reading ends, every run is flushed and
        // finished, and the run logs are drained (bounded); without this, .NET would exit at once with 143.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        return await CliApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
    }
}
