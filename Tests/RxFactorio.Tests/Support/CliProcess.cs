using System.Diagnostics;
using System.Text;

namespace RxFactorio.Tests.Support;

/// <summary>Runs the real <c>rxfactorio</c> host as a child process (the build copies it beside the tests).</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        await using var running = Start(args, environment, standardInput: standardInput);
        return await running.WaitAsync(timeout);
    }

    /// <summary>Starts <c>rxfactorio</c>; the caller may watch its output and send it signals before waiting for it.</summary>
    public static Running Start(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Parse.RepoFile(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rxfactorio.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }
        // NOTE: run logs and offline runs go to WANDB_DIR (else the working directory); a child that
        // was not given one gets its own, so that no test finds (and recovers) another test's runs.
        string? ownDirectory = null;
        if (environment is null || !environment.ContainsKey("WANDB_DIR"))
        {
            ownDirectory = Directory.CreateTempSubdirectory("rxf-cli-").FullName;
            start.Environment["WANDB_DIR"] = ownDirectory;
        }
        return new Running(start, ownDirectory, standardInput);
    }

    /// <summary>A started <c>rxfactorio</c>: its output so far, signals, and its end.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();
        private readonly TaskCompletionSource _outputDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _errorDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _description;

        private readonly string? _ownDirectory;

        internal Running(ProcessStartInfo start, string? ownDirectory, string? standardInput = null)
        {
            _ownDirectory = ownDirectory;
            _description = string.Join(' ', start.ArgumentList.Skip(1));
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(_output, e.Data, _outputDone);
            _process.ErrorDataReceived += (_, e) => Append(_error, e.Data, _errorDone);
            if (!_process.Start())
            {
                throw new InvalidOperationException("could not start rxfactorio");
            }
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (standardInput is not null)
            {
                _process.StandardInput.Write(standardInput);
            }
            _process.StandardInput.Close();
        }

        public int Id => _process.Id;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        public bool HasExited => _process.HasExited;

        /// <summary>Sends a POSIX signal (e.g. TERM, INT) with kill(1); <see cref="Process.Kill()"/> would be SIGKILL.</summary>
        public async Task SignalAsync(string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
                ?? throw new InvalidOperationException("could not run kill");
            await kill.WaitForExitAsync();
            Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill -{signal} {_process.Id}");
        }

        /// <summary>Waits until <paramref name="condition"/> holds, polling, or fails after <paramref name="timeout"/>.</summary>
        public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
                {
                    Assert.Fail($"timed out waiting for {what}.\nstdout: {Output}\nstderr: {Error}");
                }
                if (_process.HasExited && !condition())
                {
                    Assert.Fail($"rxfactorio exited ({_process.ExitCode}) before {what}.\nstdout: {Output}\nstderr: {Error}");
                }
                await Task.Delay(20);
            }
        }

        public async Task<Result> WaitAsync(TimeSpan? timeout = null)
        {
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
                await Task.WhenAll(_outputDone.Task, _errorDone.Task).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail($"rxfactorio {_description} did not exit in time.\nstdout: {Output}\nstderr: {Error}");
            }
            return new Result(_process.ExitCode, Output, Error);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            if (_ownDirectory is not null && Directory.Exists(_ownDirectory))
            {
                Directory.Delete(_ownDirectory, recursive: true);
            }
        }

        private static void Append(StringBuilder text, string? line, TaskCompletionSource done)
        {
            if (line is null)
            {
                done.TrySetResult();
                return;
            }
            lock (text)
            {
                text.Append(line).Append('\n');
            }
        }
    }
}
