using System.Diagnostics;

namespace RxFactorio.Tests.Support;

/// <summary>Runs the real <c>rxfactorio</c> host as a child process (the build copies it beside the tests).</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Parse.RepoFile(),
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
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start rxfactorio");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"rxfactorio {string.Join(' ', start.ArgumentList.Skip(1))} did not exit in time.\nstdout: {await output}\nstderr: {await error}");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}
