using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxFactorio.Tests;

public sealed class SmokeTests : ReactiveTest
{
    [Test]
    public void TestScheduler_RunsRxOperatorsInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(300));
        var res = scheduler.Start(() => xs.Select(x => x * 10));
        Assert.That(res.Messages, Is.EqualTo(new[] { OnNext(210, 10), OnNext(220, 20), OnCompleted<int>(300) }));
    }
}
