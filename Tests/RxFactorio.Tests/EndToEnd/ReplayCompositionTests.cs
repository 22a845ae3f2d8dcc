using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxFactorio.Replay;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// The composition the pipeline documents for a real scheduler: <c>ReplayAt(speed, loop)</c> feeding
/// <c>ToRunCommands(options, loop)</c>, which requires its events to be observed on <c>loop</c>.
/// </summary>
public sealed class ReplayCompositionTests
{
    [Test]
    public async Task ReplayAt_EmitsEveryEventOnItsScheduler([Values(20.0, double.PositiveInfinity)] double speed)
    {
        using var loop = new EventLoopScheduler();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Schedule(() => started.SetResult(Environment.CurrentManagedThreadId));
        var loopThread = await started.Task;
        Assume.That(Environment.CurrentManagedThreadId, Is.Not.EqualTo(loopThread), "subscribing from another thread than the loop's");
        var replaySpeed = double.IsPositiveInfinity(speed) ? ReplaySpeed.Max : ReplaySpeed.Times(speed);

        // At 20× the stats (120 ticks apart) are 100 ms apart.
        var threads = await Game.Session("freeplay_216000", 1800, 3, init: false)
            .ReplayAt(replaySpeed, loop)
            .Select(_ => Environment.CurrentManagedThreadId)
            .ToList()
            .ToTask()
            .WaitAsync(EndToEndHarness.Deadline);

        Assert.That(threads, Has.Count.EqualTo(3).And.All.EqualTo(loopThread), $"every event on the scheduler's thread {loopThread}");
    }
}
