using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>What each live source reports to its state callback: waiting, open, closed, failed.</summary>
public sealed class SourceStateTests
{
    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxfactorio-state-").FullName;
        _path = Path.Combine(_dir, "events.jsonl");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task TailedFile_IsWaitingUntilCreated_ThenOpen_ThenClosedWhenDisposed()
    {
        var clock = new FakeTimeProvider();
        var states = new StateLog();
        using LineCollector lines = LineCollector.Subscribe(ByteSources.TailFile(
            _path, new TailOptions { PollInterval = TimeSpan.FromHours(1), TimeProvider = clock, StateChanged = states.Callback }));
        await states.WaitForAsync(SourceState.Waiting);

        await File.WriteAllTextAsync(_path, "first\n");
        // The file is looked for again only when the fake clock passes a poll interval (an hour, here).
        await Wait.UntilAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromHours(1));
                return lines.Lines.Count >= 1;
            },
            () => $"the new file was not read; states: [{string.Join(", ", states.States)}]");
        // Later polls of the open file (nothing new, not replaced) report nothing.
        clock.Advance(TimeSpan.FromHours(1));
        lines.Dispose();
        await states.WaitForAsync(SourceState.Closed);

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Waiting, SourceState.Open, SourceState.Closed }), "each change once, in order");
    }

    [Test]
    public async Task TailedFile_Truncated_StaysOpen()
    {
        await File.WriteAllTextAsync(_path, "old-1\nold-2\n");
        var states = new StateLog();
        using LineCollector lines = LineCollector.Subscribe(ByteSources.TailFile(
            _path, new TailOptions { PollInterval = TimeSpan.FromMilliseconds(20), StateChanged = states.Callback }));
        await lines.WaitForLinesAsync(2);

        await File.WriteAllTextAsync(_path, "new\n");
        await lines.WaitForLinesAsync(3);

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Open }));
    }

    [Test]
    public async Task TailedFile_ThatCannotBeOpened_Fails()
    {
        // A directory at the path: opening it fails (not "missing", so not waited for).
        Directory.CreateDirectory(_path);
        var states = new StateLog();

        using LineCollector lines = LineCollector.Subscribe(ByteSources.TailFile(_path, new TailOptions { StateChanged = states.Callback }));
        await states.WaitForAsync(SourceState.Failed);
        await Wait.UntilAsync(() => lines.End.IsFaulted, () => "the error was not reported to the observer");

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Failed }));
    }

    [Test]
    public async Task Stream_IsOpen_ThenClosedAtItsEnd()
    {
        var states = new StateLog();

        using LineCollector lines = LineCollector.Subscribe(
            StreamSource.Create(() => new MemoryStream("a\nb\n"u8.ToArray()), "stdin", NullLogger.Instance, states.Callback));
        await Wait.ForAsync(lines.End, "the stream to end");

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Open, SourceState.Closed }));
        Assert.That(lines.Lines, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Stream_ThatCannotBeOpened_Fails()
    {
        var states = new StateLog();

        using LineCollector lines = LineCollector.Subscribe(
            StreamSource.Create(() => throw new IOException("no stdin"), "stdin", NullLogger.Instance, states.Callback));
        await Wait.UntilAsync(() => lines.End.IsFaulted, () => "the error was not reported to the observer");

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Failed }));
    }

    [Test]
    public async Task LiveSources_Open_ReportsAMissingTailedFileAsWaiting()
    {
        var states = new StateLog();

        using (LineCollector.Subscribe(LiveSources.Open(_path, new TailOptions { PollInterval = TimeSpan.FromHours(1) }, stateChanged: states.Callback)))
        {
            await states.WaitForAsync(SourceState.Waiting);
        }
        await states.WaitForAsync(SourceState.Closed);

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Waiting, SourceState.Closed }));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [UnsupportedOSPlatform("windows")]
    public async Task Fifo_IsOpenOnceCreatedAndHeld_ThenClosedWhenDisposed()
    {
        var fifo = Path.Combine(_dir, "events.pipe");
        var states = new StateLog();

        using (LineCollector.Subscribe(LiveSources.Open(fifo, stateChanged: states.Callback)))
        {
            await states.WaitForAsync(SourceState.Open);
            Assert.That(LiveSources.Detect(fifo), Is.EqualTo(SourceKind.Fifo), "the FIFO exists once open is reported");
        }
        await states.WaitForAsync(SourceState.Closed);

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Open, SourceState.Closed }));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [UnsupportedOSPlatform("windows")]
    public async Task Fifo_PathThatIsARegularFile_Fails()
    {
        var states = new StateLog();
        await File.WriteAllTextAsync(_path, "not a pipe\n");

        using LineCollector lines = LineCollector.Subscribe(ByteSources.FromFifo(_path, new FifoSourceOptions { StateChanged = states.Callback }));
        await Wait.UntilAsync(() => lines.End.IsFaulted, () => "the error was not reported to the observer");

        Assert.That(states.States, Is.EqualTo(new[] { SourceState.Failed }));
    }
}
