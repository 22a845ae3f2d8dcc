using System.Runtime.InteropServices;

namespace RxFactorio.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        // NOTE: Ctrl+C and SIGTERM ask the command to stop: reading ends, every run is flushed and
        // finished, then the process exits. Without this, .NET would end the process at once.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await CliApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
    }
}
