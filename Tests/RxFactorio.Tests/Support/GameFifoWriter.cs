using System.Diagnostics;

namespace RxFactorio.Tests.Support;

/// <summary>
/// A writer to a real FIFO in its own process, as the game writes: each line is appended with its
/// own <c>open()</c> (so it waits while no reader holds the FIFO, and a reader that dies mid-write
/// costs that line: EPIPE). It counts the lines the kernel took and the lines lost that way.
/// </summary>
internal sealed class GameFifoWriter : IDisposable
{
    private readonly Process _process;
    private int _written;
    private int _lost;

    public GameFifoWriter(string fifo)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                "trap '' PIPE; while IFS= read -r l; do if printf '%s\\n' \"$l\" 2>/dev/null >> \"$1\"; then echo ok; else echo lost; fi; done",
                "writer", fifo,
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the FIFO writer");
        _process.StandardInput.AutoFlush = true;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "ok")
            {
                Interlocked.Increment(ref _written);
            }
            else if (e.Data == "lost")
            {
                Interlocked.Increment(ref _lost);
            }
        };
        _process.BeginOutputReadLine();
    }

    /// <summary>Lines the FIFO took (in the pipe or read).</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Lines lost to a reader that died while they were being written.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>Hands lines to the writer; they go into the FIFO once a reader holds it.</summary>
    public void Send(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            _process.StandardInput.WriteLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
