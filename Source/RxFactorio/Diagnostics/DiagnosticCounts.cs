using System.Collections.Concurrent;

namespace RxFactorio.Diagnostics;

/// <summary>
/// A thread-safe observer that counts diagnostics by reason and keeps the first
/// <see cref="KeepFirst"/> of them, e.g. for a report. Pass it wherever the pipeline takes an
/// <see cref="IObserver{T}"/> of <see cref="IngestDiagnostic"/>.
/// </summary>
public sealed class DiagnosticCounts : IObserver<IngestDiagnostic>
{
    private readonly ConcurrentDictionary<DiagnosticReason, long> _byReason = new();
    private readonly ConcurrentQueue<IngestDiagnostic> _first = new();
    private long _kept;

    /// <summary>Creates a counter that keeps the first <paramref name="keepFirst"/> diagnostics.</summary>
    /// <param name="keepFirst">How many diagnostics to keep in <see cref="First"/>; 0 keeps none.</param>
    public DiagnosticCounts(int keepFirst = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepFirst);
        KeepFirst = keepFirst;
    }

    /// <summary>How many diagnostics <see cref="First"/> keeps at most.</summary>
    public int KeepFirst { get; }

    /// <summary>The count of diagnostics for each reason seen so far.</summary>
    public IReadOnlyDictionary<DiagnosticReason, long> ByReason => new SortedDictionary<DiagnosticReason, long>(_byReason);

    /// <summary>The first diagnostics, in arrival order.</summary>
    public IReadOnlyList<IngestDiagnostic> First => _first.ToArray();

    /// <summary>The number of diagnostics of the given severity.</summary>
    public long Count(DiagnosticSeverity severity) =>
        _byReason.Where(kv => kv.Key.Severity() == severity).Sum(kv => kv.Value);

    /// <summary>The total number of diagnostics.</summary>
    public long Total => _byReason.Values.Sum();

    /// <inheritdoc />
    public void OnNext(IngestDiagnostic value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _byReason.AddOrUpdate(value.Reason, 1, static (_, n) => n + 1);
        if (Interlocked.Increment(ref _kept) <= KeepFirst)
        {
            _first.Enqueue(value);
        }
    }

    /// <inheritdoc />
    public void OnError(Exception error)
    {
    }

    /// <inheritdoc />
    public void OnCompleted()
    {
    }
}
