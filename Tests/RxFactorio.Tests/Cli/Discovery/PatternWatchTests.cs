using Microsoft.Reactive.Testing;
using RxFactorio.Cli.Discovery;
using RxFactorio.Tests.RunLog;

namespace RxFactorio.Tests.Cli.Discovery;

/// <summary>A glob source picks up files that appear while running (virtual time, a real folder).</summary>
public sealed class PatternWatchTests
{
    [Test]
    public void FilesThereAtTheStart_ComeAtOnce_ANewOneAtTheNextLook_AndARecreatedOneNotAgain()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.jsonl"), "");
        var scheduler = new TestScheduler();
        var found = new List<(long Ticks, string Label)>();

        using var watch = SourcePattern.Create(dir.File("*.jsonl")).Watch(TimeSpan.FromTicks(100), scheduler)
            .Subscribe(f => found.Add((scheduler.Clock, f.Label)));
        // NOTE: the TestScheduler runs what is due now one tick later.
        scheduler.AdvanceTo(1);
        Assert.That(found, Is.EqualTo(new[] { (1L, "a") }), "at once");

        File.WriteAllText(dir.File("b.jsonl"), "");
        scheduler.AdvanceTo(100);
        Assert.That(found, Has.Count.EqualTo(1), "not before the next look");
        scheduler.AdvanceTo(101);
        Assert.That(found, Is.EqualTo(new[] { (1L, "a"), (101L, "b") }), "at the next look");

        File.Delete(dir.File("a.jsonl"));
        scheduler.AdvanceTo(200);
        File.WriteAllText(dir.File("a.jsonl"), "");
        scheduler.AdvanceTo(400);
        Assert.That(found, Has.Count.EqualTo(2), "a file found once is followed by its source: not told again");
    }
}
