using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>What one run of the mod's Lua contract harness gave.</summary>
internal sealed record HarnessRun(string Scenario, int ExitCode, string Stdout, string Stderr, string OutputPath)
{
    /// <summary>The one-line JSON summary on stdout, as numbers by key (in the order written).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Summary
    {
        get
        {
            using var json = JsonDocument.Parse(Stdout);
            return [.. json.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, long>(p.Name, p.Value.GetInt64()))];
        }
    }

    public long this[string key] => Summary.Single(kv => kv.Key == key).Value;

    /// <summary>Everything a failure message needs to explain the run.</summary>
    public string Explain => $"scenario '{Scenario}': exit code {ExitCode}\nstdout: {Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs <c>lua5.4 samples/factorio-mod/test/harness.lua OUT.jsonl SCENARIO</c> as a real child
/// process (the CLI contract of <c>samples/factorio-mod/test/README.md</c>).
/// </summary>
internal static class LuaHarness
{
    public const string Interpreter = "lua5.4";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="scenario">The harness scenario (samples/factorio-mod/test/README.md).</param>
    /// <param name="outputPath">Receives the file transport's bytes, or the UDP datagrams framed as 4-byte big-endian length + bytes.</param>
    /// <param name="modDirectory">Another copy of the mod to run (default: the repository's).</param>
    public static async Task<HarnessRun> RunAsync(string scenario, string outputPath, string? modDirectory = null)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Parse.RepoFile("samples", "factorio-mod", "test", "harness.lua"));
        start.ArgumentList.Add(outputPath);
        start.ArgumentList.Add(scenario);
        if (modDirectory is not null)
        {
            start.ArgumentList.Add("--mod");
            start.ArgumentList.Add(modDirectory);
        }

        using var process = StartOrFail(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Interpreter} harness.lua (scenario '{scenario}') did not exit within {Timeout.TotalSeconds} s and was killed.\n"
                + $"stderr so far:\n{await ReadSoFar(stderr)}");
        }
        return new HarnessRun(scenario, process.ExitCode, (await stdout).Trim(), (await stderr).Trim(), outputPath);
    }

    private static Process StartOrFail(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"'{Interpreter}' could not be started ({ex.Message}). The mod's contract test needs a stock Lua 5.4 "
                + $"interpreter on PATH: apt-get install -y lua5.4 (CI installs it). This test is never skipped.");
            throw;
        }
    }

    private static async Task<string> ReadSoFar(Task<string> pending) =>
        await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2))) == pending ? await pending : "(unavailable)";
}
