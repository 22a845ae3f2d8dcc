using RxFactorio.Events;

namespace RxFactorio.Benchmarks.Sinks;

/// <summary>Counts of parsed events and of the items in them; adding allocates nothing.</summary>
internal sealed class EventTally : IObserver<FactorioEvent>
{
    public long Stats { get; private set; }

    public long Other { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>How many non-empty measurement arrays the stats events hold (each is one array).</summary>
    public long Arrays { get; private set; }

    /// <summary>How many measurements those arrays hold in all.</summary>
    public long Measurements { get; private set; }

    public long Players { get; private set; }

    /// <summary>A checksum of cycles and item counts, so that nothing is optimized away.</summary>
    public long Checksum { get; private set; }

    public void Reset() => (Stats, Other, Rejected, Arrays, Measurements, Players, Checksum) = (0, 0, 0, 0, 0, 0, 0);

    public void Add(FactorioEvent? parsed)
    {
        switch (parsed)
        {
            case null:
                Rejected++;
                return;
            case StatsEvent stats:
                Stats++;
                Count(stats.Production.Length);
                Count(stats.Consumption.Length);
                Count(stats.Metrics.Length);
                Players += stats.Player is null ? 0 : 1;
                Checksum += stats.Cycle + stats.Production.Length + stats.Consumption.Length;
                return;
            default:
                Other++;
                return;
        }
    }

    public void OnNext(FactorioEvent value) => Add(value);

    public void OnError(Exception error) => throw error;

    public void OnCompleted()
    {
    }

    private void Count(int length)
    {
        if (length > 0)
        {
            Arrays++;
            Measurements += length;
        }
    }
}
