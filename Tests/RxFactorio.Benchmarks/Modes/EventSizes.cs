using RxFactorio.Benchmarks.Sinks;
using RxFactorio.Events;

namespace RxFactorio.Benchmarks.Modes;

/// <summary>
/// The heap size of a stats event's own objects, measured on this runtime: the
/// <see cref="StatsEvent"/>, one <c>Measurement[]</c> behind each non-empty ImmutableArray,
/// and the <see cref="PlayerState"/>. Everything else a parse allocates is overhead.
/// </summary>
internal sealed class EventSizes
{
    private EventSizes()
    {
        StatsEvent = Measure(static () => new StatsEvent { Source = "s", LineNumber = 1, SessionId = "s", Tick = 1, Cycle = 1 });
        Player = Measure(static () => new PlayerState(1, 2, "nauvis", 250));
        var ten = Measure(static () => new Measurement[10]);
        MeasurementBytes = Measure(static () => new Measurement[11]) - ten;
        ArrayOverhead = ten - (10 * MeasurementBytes);
    }

    public long StatsEvent { get; }

    public long Player { get; }

    public long ArrayOverhead { get; }

    public long MeasurementBytes { get; }

    public static EventSizes Measure() => new();

    /// <summary>The bytes that the events counted in <paramref name="tally"/> own.</summary>
    public long Of(EventTally tally) =>
        (tally.Stats * StatsEvent) + (tally.Players * Player) + (tally.Arrays * ArrayOverhead) + (tally.Measurements * MeasurementBytes);

    public override string ToString() =>
        $"StatsEvent {StatsEvent} B, PlayerState {Player} B, Measurement[n] {ArrayOverhead} + {MeasurementBytes}n B";

    private static long Measure(Func<object> make)
    {
        GC.KeepAlive(make());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var made = make();
        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(made);
        return after - before;
    }
}
