using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

public sealed class TailFileSourceTests
{
    private string _dir = null!;
    private string _path = null!;
    private ListLogger _log = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxfactorio-tail-").FullName;
        _path = Path.Combine(_dir, "telemetry.jsonl");
        _log = new ListLogger();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Appends_AreFollowed()
    {
        await File.WriteAllTextAsync(_path, "a1\na2\n");
        using LineCollector lines = Tail();
        await lines.WaitForLinesAsync(2);

        await File.AppendAllTextAsync(_path, "a3\n");
        await File.AppendAllTextAsync(_path, "a4\na5\n");
        await lines.WaitForLinesAsync(5);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "a1", "a2", "a3", "a4", "a5" }));
    }

    [Test]
    public async Task Truncation_NewLinesArrive_OldOnesAreNotRepeated()
    {
        await File.WriteAllTextAsync(_path, "old-line-1\nold-line-2\nold-line-3\n");
        using LineCollector lines = Tail();
        await lines.WaitForLinesAsync(3);

        // Like an external rotation that truncates in place: the writer's next append starts at 0.
        await using (var file = new FileStream(_path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            await file.WriteAsync("new-1\n"u8.ToArray());
        }

        await lines.WaitForLinesAsync(4);
        await File.AppendAllTextAsync(_path, "new-2\n");
        await lines.WaitForLinesAsync(5);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "old-line-1", "old-line-2", "old-line-3", "new-1", "new-2" }));
        Assert.That(_log.Count(LogLevel.Warning, "truncated"), Is.EqualTo(1), "truncation is logged once as a warning");
    }

    [Test]
    public async Task Replacement_OldFileIsFinished_ThenTheNewFileIsReadFromTheStart()
    {
        await File.WriteAllTextAsync(_path, "old-1\n");
        using LineCollector lines = Tail();
        await lines.WaitForLinesAsync(1);

        string next = Path.Combine(_dir, "next.jsonl");
        await File.WriteAllTextAsync(next, "new-1\nnew-2\n");
        await using (var oldWriter = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            // Written to the old file just before it is replaced: must still be delivered, first.
            await oldWriter.WriteAsync("old-2\n"u8.ToArray());
            await oldWriter.FlushAsync();
            File.Move(next, _path, overwrite: true);
        }

        await lines.WaitForLinesAsync(4);
        await File.AppendAllTextAsync(_path, "new-3\n");
        await lines.WaitForLinesAsync(5);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "old-1", "old-2", "new-1", "new-2", "new-3" }));
        Assert.That(_log.Count(LogLevel.Information, "replaced"), Is.EqualTo(1));
    }

    [Test]
    public async Task FromEnd_SkipsWhatIsAlreadyThere()
    {
        await File.WriteAllTextAsync(_path, "before-1\nbefore-2\n");
        using LineCollector lines = Tail(new TailOptions { FromEnd = true });
        await WaitForLogAsync(LogLevel.Information, "Following");

        await File.AppendAllTextAsync(_path, "after-1\n");
        await lines.WaitForLinesAsync(1);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "after-1" }));
    }

    [Test]
    public async Task MissingFile_IsWaitedFor_AndReadFromTheStartWhenItAppears()
    {
        using LineCollector lines = Tail(new TailOptions { FromEnd = true });
        await WaitForLogAsync(LogLevel.Information, "Waiting for");

        await File.WriteAllTextAsync(_path, "first\nsecond\n");
        await lines.WaitForLinesAsync(2);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(_log.Count(LogLevel.Information, "Waiting for"), Is.EqualTo(1), "the wait is logged once");
        Assert.That(lines.End.IsCompleted, Is.False, "a missing file is not an error");
    }

    [Test]
    public async Task StartAt_FromAReportedPosition_ResumesAfterWhatWasDelivered()
    {
        await File.WriteAllTextAsync(_path, "r1\nr2\n");
        var gate = new object();
        TailPosition? last = null;
        TailPosition? Last()
        {
            lock (gate)
            {
                return last;
            }
        }

        using (LineCollector first = Tail(new TailOptions { PositionChanged = p => { lock (gate) { last = p; } } }))
        {
            await first.WaitForLinesAsync(2);
            await Wait.UntilAsync(() => Last()?.Offset == 6, () => $"position reported: {Last()}");
        }

        await File.AppendAllTextAsync(_path, "r3\n");
        using LineCollector resumed = Tail(new TailOptions { StartAt = Last() });
        await resumed.WaitForLinesAsync(1);

        Assert.That(resumed.Lines, Is.EqualTo(new[] { "r3" }));
    }

    [Test]
    public async Task StartAt_ForADifferentFile_IsIgnored()
    {
        await File.WriteAllTextAsync(_path, "s1\ns2\n");
        var stale = new TailPosition(new FileIdentity(12345, 67890), 3);

        using LineCollector lines = Tail(new TailOptions { StartAt = stale });
        await lines.WaitForLinesAsync(2);

        Assert.That(lines.Lines, Is.EqualTo(new[] { "s1", "s2" }));
    }

    [Test]
    public async Task PollingWaitsOnTheInjectedTimeProvider()
    {
        await File.WriteAllTextAsync(_path, "t1\n");
        var clock = new FakeTimeProvider();
        using LineCollector lines = LineCollector.Subscribe(ByteSources.TailFile(
            _path, new TailOptions { PollInterval = TimeSpan.FromHours(1), TimeProvider = clock }, _log));
        await lines.WaitForLinesAsync(1);

        await File.AppendAllTextAsync(_path, "t2\n");

        // The append is seen only when the fake clock passes a poll interval (an hour, here).
        await Wait.UntilAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromHours(1));
                return lines.Lines.Count >= 2;
            },
            () => "the append was not picked up after advancing the fake clock");
        Assert.That(lines.Lines, Is.EqualTo(new[] { "t1", "t2" }));
    }

    [TestCase(0, 250)]
    [TestCase(1, 500)]
    [TestCase(2, 1000)]
    [TestCase(3, 1000)]
    [TestCase(30, 1000)]
    public void AQuietFileIsPolledLessOften_UpToTheMaximum(int quietPolls, int expectedMs)
    {
        var wait = TailStream.NextWait(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), quietPolls);

        Assert.That(wait, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [Test]
    public void AMaximumBelowThePollInterval_MeansAFixedInterval()
    {
        Assert.That(TailStream.NextWait(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 5), Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task DisposingWhileWaitingForAppends_EndsTheReadLoopPromptly()
    {
        await File.WriteAllTextAsync(_path, "d1\n");
        // An hour-long poll: only cancellation can end the wait.
        LineCollector lines = LineCollector.Subscribe(
            ByteSources.TailFile(_path, new TailOptions { PollInterval = TimeSpan.FromHours(1) }, _log));
        await lines.WaitForLinesAsync(1);

        lines.Dispose();

        await Wait.UntilAsync(() => _log.Count(LogLevel.Debug, "Closed") == 1, () => "the read loop did not end", TimeSpan.FromSeconds(3));
    }

    private LineCollector Tail(TailOptions? options = null) =>
        LineCollector.Subscribe(ByteSources.TailFile(
            _path,
            (options ?? new TailOptions()) with { PollInterval = TimeSpan.FromMilliseconds(20) },
            _log));

    private Task WaitForLogAsync(LogLevel level, string containing) =>
        Wait.UntilAsync(() => _log.Count(level, containing) > 0, () => $"no {level} log containing '{containing}'");
}
