using RxFactorio.Events;
using RxFactorio.Framing;

namespace RxFactorio.Benchmarks.Sinks;

/// <summary>
/// Parses each framed line with one long-lived <see cref="EventParser"/> (so names stay interned
/// across runs) and tallies what it got, without allocating: enough to check the result and to
/// compute the events' own size afterwards.
/// </summary>
internal sealed class ParsingSink : IObserver<Line>
{
    private readonly EventParser _parser = new();

    public EventTally Tally { get; } = new();

    public void OnNext(Line value) => Tally.Add(_parser.Parse(value));

    public void OnError(Exception error) => throw error;

    public void OnCompleted()
    {
    }
}
