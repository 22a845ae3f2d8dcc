using RxFactorio.Cli;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>A stop (Ctrl+C, SIGTERM) that arrives while the host is still starting.</summary>
public sealed class StartupStopTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-startstop-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task StopDuringStartUp_SaysSo_AndExitsZero_ForNothingWasRead()
    {
        var recording = Path.Combine(_dir, "one.jsonl");
        await File.WriteAllTextAsync(recording, """{"type":"session_init","session_id":"s","tick":0}""" + "\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        var code = await CliApp.RunAsync(["replay", recording, "--mode", "offline", "--dir", _dir], output, error, stopped.Token);

        Assert.That(error.ToString(), Does.Contain("stopped during start-up"));
        Assert.That(code, Is.EqualTo(0), error.ToString());
        Assert.That(Directory.Exists(Path.Combine(_dir, "wandb")), Is.False, "no run was started");
    }
}
