using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using RxFactorio.Sources;
using RxFactorio.Sources.Native;

namespace RxFactorio.Tests.Sources;

[Platform(Exclude = "Win")]
[UnsupportedOSPlatform("windows")]
public sealed class FifoSourceTests
{
    private const int LineCount = 1000;

    private string _dir = null!;
    private string _fifo = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxfactorio-fifo-").FullName;
        _fifo = Path.Combine(_dir, "telemetry.pipe");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task ReaderStartedFirst_GetsEveryLineOnceInOrder_AndTheWriterNeverBlocks()
    {
        using LineCollector lines = LineCollector.Subscribe(ByteSources.FromFifo(_fifo));
        await WaitUntilFifoHasReaderAsync();

        using Process writer = StartGameLikeWriter();
        await lines.WaitForLinesAsync(LineCount);
        await Wait.ForAsync(writer.WaitForExitAsync(), "the writer process to exit");

        Assert.That(lines.Lines, Is.EqualTo(ExpectedLines()));
        Assert.That(writer.ExitCode, Is.Zero);
    }

    [Test]
    public async Task ReaderStartedAfterWriter_GetsEveryLineOnceInOrder_AndTheWriterFinishes()
    {
        Assert.That(Libc.MkFifo(_fifo, 0b110_000_000), Is.Zero, "mkfifo");
        using Process writer = StartGameLikeWriter();
        // The writer is now about to block in open(): there is no reader yet.
        await Wait.ForAsync(writer.StandardOutput.ReadLineAsync(), "the writer to start");

        using LineCollector lines = LineCollector.Subscribe(ByteSources.FromFifo(_fifo));
        await lines.WaitForLinesAsync(LineCount);
        await Wait.ForAsync(writer.WaitForExitAsync(), "the writer process to exit");

        Assert.That(lines.Lines, Is.EqualTo(ExpectedLines()));
        Assert.That(writer.ExitCode, Is.Zero);
    }

    [Test]
    public async Task MissingFifo_IsCreatedWithMode0600()
    {
        using LineCollector lines = LineCollector.Subscribe(ByteSources.FromFifo(_fifo));
        await WaitUntilFifoHasReaderAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Libc.StatPath(_fifo)?.IsFifo, Is.True, "a FIFO exists at the path");
            Assert.That(File.GetUnixFileMode(_fifo), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }

    [Test]
    public async Task PathThatIsARegularFile_FailsWithAMessageNamingThePath()
    {
        await File.WriteAllTextAsync(_fifo, "not a pipe\n");

        using LineCollector lines = LineCollector.Subscribe(ByteSources.FromFifo(_fifo));
        Exception? error = await CaptureErrorAsync(lines.End);

        Assert.That(error, Is.InstanceOf<IOException>());
        Assert.That(error!.Message, Does.Contain(_fifo).And.Contain("not a named pipe"));
    }

    [Test]
    public async Task DisposingWhileIdle_ReleasesTheFifoPromptly_AndANewSubscriptionReadsIt()
    {
        var log = new ListLogger();
        LineCollector first = LineCollector.Subscribe(ByteSources.FromFifo(_fifo, logger: log));
        await WaitUntilFifoHasReaderAsync();

        // NOTE: "promptly" is "does not hang on the pending read", not a wall-clock budget.
        await Wait.ForAsync(Task.Run(first.Dispose), "Dispose to return while a read is pending");
        // No reader left: a non-blocking writer open fails with ENXIO once our descriptor is closed,
        // which happens only after the pending read was cancelled.
        await Wait.UntilAsync(() => !FifoHasReader(), () => "the FIFO is still held open after dispose", TimeSpan.FromSeconds(3));
        await Wait.UntilAsync(() => log.Count(LogLevel.Debug, "Closed") == 1, () => "the read loop did not end", TimeSpan.FromSeconds(3));

        using LineCollector second = LineCollector.Subscribe(ByteSources.FromFifo(_fifo));
        await WaitUntilFifoHasReaderAsync();
        using Process writer = StartGameLikeWriter(count: 3);
        await second.WaitForLinesAsync(3);
        await Wait.ForAsync(writer.WaitForExitAsync(), "the writer process to exit");

        Assert.That(second.Lines, Is.EqualTo(ExpectedLines(3)));
        Assert.That(first.Lines, Is.Empty);
    }

    private static async Task<Exception?> CaptureErrorAsync(Task end)
    {
        try
        {
            await Wait.ForAsync(end, "the source to fail");
            return null;
        }
        catch (Exception e) when (e is not AssertionException)
        {
            return e;
        }
    }

    private static IEnumerable<string> ExpectedLines(int count = LineCount) =>
        Enumerable.Range(1, count).Select(i => $"{{\"i\":{i}}}");

    private Task WaitUntilFifoHasReaderAsync() =>
        Wait.UntilAsync(FifoHasReader, () => $"no reader holds {_fifo}");

    /// <summary>True if someone has the FIFO open for reading (a non-blocking writer open succeeds).</summary>
    private bool FifoHasReader()
    {
        if (Libc.StatPath(_fifo) is not { IsFifo: true })
        {
            return false;
        }

        int fd = Libc.Open(_fifo, Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd >= 0)
        {
            Libc.Close(fd);
            return true;
        }

        return false;
    }

    /// <summary>A separate process that opens, appends one line and closes the FIFO, per line, like the game.</summary>
    private Process StartGameLikeWriter(int count = LineCount)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"echo started; for i in $(seq 1 {count}); do printf '{{\"i\":%d}}\\n' $i >> \"$FIFO\"; done");
        start.Environment["FIFO"] = _fifo;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
    }
}
