using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RxFactorio.Tests.Support;

/// <summary>
/// Runs the built <c>rxfactorio</c> on a real pseudo-terminal (util-linux <c>script</c>) and keeps
/// every byte it drew there, escape sequences included.
/// </summary>
internal sealed class PtyProcess : IAsyncDisposable
{
    private readonly Process _script;
    private readonly MemoryStream _screen = new();
    private readonly Task _pump;
    private readonly string _ownDirectory;

    private PtyProcess(Process script, string ownDirectory)
    {
        _script = script;
        _ownDirectory = ownDirectory;
        _pump = script.StandardOutput.BaseStream.CopyToAsync(new LockedAppend(_screen));
    }

    /// <summary>Stops the test (ignored, not failed) where there is no <c>script</c> to make a terminal with.</summary>
    public static string RequireScript()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "script"))
            .FirstOrDefault(File.Exists);
        if (found is null || !OperatingSystem.IsLinux())
        {
            Assert.Ignore("util-linux script is not installed (no pseudo-terminal to test on)");
        }
        return found!;
    }

    /// <summary>
    /// Starts <c>rxfactorio args</c> on a terminal <paramref name="columns"/> wide, offline, with its
    /// own WANDB_DIR. <paramref name="redirects"/> is shell text appended to the command, e.g. <c>2&gt;file</c>.
    /// </summary>
    public static PtyProcess Start(IEnumerable<string> args, string redirects = "", string term = "xterm", int columns = 80)
    {
        var script = RequireScript();
        var command = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"stty cols {columns} rows 24 && exec dotnet {Quote(Path.Combine(AppContext.BaseDirectory, "rxfactorio.dll"))}"));
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }
        command.Append(' ').Append(redirects);
        var start = new ProcessStartInfo(script)
        {
            ArgumentList = { "-q", "-e", "-f", "-c", command.ToString(), "/dev/null" },
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Parse.RepoFile(),
        };
        var ownDirectory = Directory.CreateTempSubdirectory("rxf-pty-").FullName;
        start.Environment["WANDB_DIR"] = ownDirectory;
        start.Environment["TERM"] = term;
        start.Environment.Remove("WANDB_API_KEY");
        start.Environment.Remove("NO_COLOR");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start script");
        process.StandardInput.Close();
        return new PtyProcess(process, ownDirectory);
    }

    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A file in this run's own directory, for redirects.</summary>
    public string FileInOwnDirectory(string name) => Path.Combine(_ownDirectory, name);

    /// <summary>Everything drawn on the terminal so far (stdout and stderr both, as on a screen).</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return Encoding.UTF8.GetString(_screen.GetBuffer(), 0, (int)_screen.Length);
            }
        }
    }

    public async Task WaitUntilAsync(Func<string, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition(Screen))
        {
            if (deadline.Elapsed > timeout || _script.HasExited)
            {
                Assert.Fail($"{what}: not seen on the terminal.\n{Printable(Screen)}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a POSIX signal to rxfactorio itself (the child of <c>script</c>, after its shell exec'd it).</summary>
    public async Task SignalAsync(string signal)
    {
        var children = await File.ReadAllTextAsync($"/proc/{_script.Id}/task/{_script.Id}/children");
        var pid = children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Single();
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid }, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill -{signal} {pid}");
    }

    /// <summary>Waits for the end; returns rxfactorio's exit code (script -e passes it on) and the screen.</summary>
    public async Task<(int ExitCode, string Screen)> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _script.WaitForExitAsync(deadline.Token);
            await _pump.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _script.Kill(entireProcessTree: true);
            Assert.Fail($"rxfactorio on a terminal did not exit in {timeout}.\n{Printable(Screen)}");
        }
        return (_script.ExitCode, Screen);
    }

    /// <summary>The screen with control characters spelled out, for failure messages.</summary>
    public static string Printable(string screen) =>
        screen.Replace("\u001b", "\\e", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (!_script.HasExited)
        {
            _script.Kill(entireProcessTree: true);
            await _script.WaitForExitAsync();
        }
        _script.Dispose();
        Directory.Delete(_ownDirectory, recursive: true);
    }

    /// <summary>Appends to a stream under its lock, so that <see cref="Screen"/> can read while the pump writes.</summary>
    private sealed class LockedAppend(MemoryStream target) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (target)
            {
                target.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (target)
            {
                target.Write(buffer);
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
