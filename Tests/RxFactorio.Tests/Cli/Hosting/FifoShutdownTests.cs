using System.Diagnostics;
using RxFactorio.RunLog;
using RxFactorio.Tests.Sources;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary><c>rxfactorio run</c> as a real child process reading a real FIFO written by another process, stopped by SIGTERM.</summary>
[Platform(Exclude = "Win")]
public sealed class FifoShutdownTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-run-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Run_OnAFifo_SigtermFlushesAndFinishesTheRun()
    {
        var fifo = Path.Combine(_dir, "events.pipe");
        var lines = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(41).ToList();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rxfactorio.dll"), "run", "--source", fifo, "--mode", "offline", "--batch-window", "200ms" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["WANDB_DIR"] = _dir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        await Wait.UntilAsync(() => File.Exists(fifo), () => "rxfactorio to create the FIFO", TimeSpan.FromSeconds(20));
        using (var writer = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", "while IFS= read -r l; do printf '%s\\n' \"$l\" >> \"$1\"; done", "writer", fifo }, RedirectStandardInput = true, UseShellExecute = false })!)
        {
            foreach (var line in lines)
            {
                await writer.StandardInput.WriteLineAsync(line);
            }
            writer.StandardInput.Close();
            await writer.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        var layout = new OfflineLayout(_dir);
        var stats = lines.Count(l => l.Contains("\"stats\"", StringComparison.Ordinal));
        // NOTE: what is still in the pipe when reading stops is lost by design, so the signal waits
        // until every row is in the run log (the last one is released after a quiet batch window).
        await Wait.UntilAsync(
            () => layout.FindRunFolders() is [var only] && RunLogRows.In(only.LogFile) == stats,
            () => "every row in the run log", TimeSpan.FromSeconds(20));
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var folder = layout.FindRunFolders().Single();
        var contents = RunLogReader.Read(folder.LogFile);
        Assert.That(process.ExitCode, Is.EqualTo(0), await error);
        Assert.That(await output, Does.Contain("finished"));
        Assert.That(contents.IsFinished, Is.True, "exit and final records written");
        Assert.That(contents.History.Select(r => r.Step), Is.EqualTo(Enumerable.Range(1800, contents.History.Count).Select(i => (long)i)));
        Assert.That(contents.History, Has.Count.EqualTo(stats), "every stats line written became a row");
    }
}
