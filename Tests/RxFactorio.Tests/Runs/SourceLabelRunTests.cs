using Microsoft.Reactive.Testing;
using RxFactorio.Events;
using RxFactorio.RunLog;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.RunLog;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Runs;

/// <summary>A source's label on its runs: the config <c>source</c>, and a tag or the group in the run log's run record.</summary>
public sealed class SourceLabelRunTests : ReactiveTest
{
    [Test]
    public void EachNewRun_GetsItsSourcesLabel_InItsConfig()
    {
        var scheduler = new TestScheduler();
        var labels = new Dictionary<string, string> { ["a"] = "server1", ["b"] = "server2" };
        var options = new RunOptions { BatchWindow = TimeSpan.FromTicks(50), Random = new Random(1), SourceLabels = labels.GetValueOrDefault };
        var events = scheduler.CreateHotObservable(
            OnNext<FactorioEvent>(210, Ev.Init("s1", 0, source: "a")),
            OnNext<FactorioEvent>(220, Ev.Init("s2", 0, source: "b")),
            OnNext<FactorioEvent>(230, Ev.Init("s3", 0, source: "c")),
            OnCompleted<FactorioEvent>(300));
        var sink = new RecordingSink(scheduler);

        scheduler.Start(() => events.ToRunCommands(options, scheduler).SendTo(sink), created: 100, subscribed: 200, disposed: 5000);

        var runs = sink.StartedRuns.ToDictionary(r => r.SessionId);
        Assert.That(runs["s1"].Config, Does.Contain(new KeyValuePair<string, object?>("source", "server1")));
        Assert.That(runs["s2"].Config, Does.Contain(new KeyValuePair<string, object?>("source", "server2")));
        Assert.That(runs["s3"].Config.Select(c => c.Key), Is.EqualTo(new[] { "session_id", "level_name", "start_tick" }), "a source without a label: no config source");
    }

    [TestCase(SourceLabelUse.Tag, new[] { "fleet", "server1" }, "")]
    [TestCase(SourceLabelUse.Group, new[] { "fleet" }, "server1")]
    [TestCase(SourceLabelUse.None, new[] { "fleet" }, "")]
    public void TheRunRecord_CarriesTheLabel_AsTheSettingSays_AndReadsBackWithIt(SourceLabelUse use, string[] tags, string group)
    {
        using var dir = new TempDirectory();
        var log = dir.File("run-abcd1234.wandb");
        var run = new RunInfo { RunId = "abcd1234", DisplayName = "s_1", Key = new RunKey("a", "s", 1), StartTick = 0, SourceLabel = "server1" };
        using (var writer = RunLogWriter.Create(log, new RunLogWriterOptions { Attributes = new RunAttributes { Tags = ["fleet"] }, LabelAs = use }))
        {
            writer.WriteRun(run, DateTimeOffset.UnixEpoch);
        }

        var contents = RunLogReader.Read(log);

        Assert.That(contents.Attributes.Tags, Is.EqualTo(tags));
        Assert.That(contents.Attributes.Group ?? "", Is.EqualTo(group));
        Assert.That(contents.ToRunInfo()!.SourceLabel, Is.EqualTo("server1"), "a continued or shipped run keeps its label");
        Assert.That(contents.ToRunInfo()!.Config, Does.Contain(new KeyValuePair<string, object?>("source", "server1")));
    }

    [Test]
    public void ALabelThatIsATagAlready_IsNotTwice()
    {
        var attributes = new RunAttributes { Tags = ["server1"] }.WithSourceLabel("server1", SourceLabelUse.Tag);

        Assert.That(attributes.Tags, Is.EqualTo(new[] { "server1" }));
    }
}
