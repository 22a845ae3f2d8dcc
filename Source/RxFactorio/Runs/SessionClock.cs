using System.Reactive.Concurrency;

namespace RxFactorio.Runs;

/// <summary>
/// The clock a source's session grace (<see cref="RunOptions.SessionGrace"/>) is measured on. Live,
/// it is the run stage's scheduler. In game time (a replay), it only moves with the recording: each
/// session plays its own ticks (60 to a second, forward only), every session of the source is taken
/// to play at once, and the source's clock is the furthest any of them has got. So a replay at any
/// speed ends the same runs at the same lines.
/// </summary>
internal sealed class SessionClock(bool gameTime, IScheduler scheduler)
{
    private const double TicksPerSecond = 60;

    private TimeSpan _played;

    /// <summary>The source's time now.</summary>
    public TimeSpan Now => gameTime ? _played : TimeSpan.FromTicks(scheduler.Now.UtcTicks);

    /// <summary>The run (re)opens: in game time, its session's play goes on from the source's clock.</summary>
    public void Opened(RunContext run) => run.Quiet.Base = Now - run.Quiet.Played;

    /// <summary>An event of <paramref name="run"/> at <paramref name="tick"/> came in as the source's <paramref name="sequence"/>-th.</summary>
    public void Seen(RunContext run, long tick, long sequence)
    {
        var quiet = run.Quiet;
        if (gameTime)
        {
            if (quiet.PreviousTick is { } previous && tick > previous)
            {
                quiet.Played += TimeSpan.FromSeconds((tick - previous) / TicksPerSecond);
            }
            quiet.PreviousTick = tick;
            if (quiet.Base + quiet.Played > _played)
            {
                _played = quiet.Base + quiet.Played;
            }
        }
        quiet.LastSeen = Now;
        quiet.LastSequence = sequence;
    }
}
