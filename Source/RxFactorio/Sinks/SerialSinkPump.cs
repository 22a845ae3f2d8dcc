using System.Reactive.Disposables;

namespace RxFactorio.Sinks;

/// <summary>
/// Hands commands to a sink one at a time, in arrival order, and passes each on once the sink
/// has carried it out. A sink that completes synchronously (the run-log sink: a disk write) is
/// driven synchronously, so the queue stays empty and back-pressure reaches the reader (see
/// <see cref="Runs.HandOffExtensions.HandOffTo"/>); an asynchronous one is awaited in a loop, never recursively.
/// </summary>
internal sealed class SerialSinkPump : IObserver<RunCommand>, IDisposable
{
    private readonly IRunSink _sink;
    private readonly IObserver<RunCommand> _delivered;
    private readonly Queue<(RunCommand Command, long Weight)> _queue = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _gate = new();
    private bool _running;
    private bool _sourceCompleted;
    private bool _stopped;

    public SerialSinkPump(IRunSink sink, IObserver<RunCommand> delivered)
    {
        _sink = sink;
        _delivered = delivered;
    }

    public IDisposable Subscription { get; set; } = Disposable.Empty;

    public void OnNext(RunCommand value)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            var weight = value is LogBatch queued ? Weight(queued) : 0;
            _queue.Enqueue((value, weight));
            if (value is LogBatch batch)
            {
                Diagnostics.RxFactorioMeter.RowsPending.Add(batch.Rows.Length);
                Diagnostics.RxFactorioMeter.BytesPending.Add(weight);
            }
            if (_running)
            {
                return;
            }
            _running = true;
        }
        _ = PumpAsync();
    }

    public void OnError(Exception error) => Stop(error);

    public void OnCompleted()
    {
        lock (_gate)
        {
            _sourceCompleted = true;
            if (_running)
            {
                return;
            }
        }
        Finish();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            DropQueued();
        }
        _cancellation.Cancel();
        Subscription.Dispose();
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            RunCommand command;
            long weight;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
                if (!_queue.TryDequeue(out var next))
                {
                    _running = false;
                    if (!_sourceCompleted)
                    {
                        return;
                    }
                    break;
                }
                (command, weight) = next;
            }
            try
            {
                var pending = _sink.HandleAsync(command, _cancellation.Token);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending.ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                Stop(ex);
                return;
            }
            Count(command, weight);
            _delivered.OnNext(command);
        }
        Finish();
    }

    // NOTE: under _gate; rows abandoned in the queue are no longer pending.
    private void DropQueued()
    {
        Diagnostics.RxFactorioMeter.RowsPending.Add(-_queue.Sum(q => q.Command is LogBatch b ? (long)b.Rows.Length : 0));
        Diagnostics.RxFactorioMeter.BytesPending.Add(-_queue.Sum(q => q.Weight));
        _queue.Clear();
    }

    private static long Weight(LogBatch batch)
    {
        var weight = batch.RowBytes ?? RowBytes(batch);
        foreach (var line in batch.LogLines.IsDefault ? [] : batch.LogLines.AsSpan())
        {
            weight += line.Length;
        }
        return weight;
    }

    private static long RowBytes(LogBatch batch)
    {
        long bytes = 0;
        foreach (var row in batch.Rows.IsDefault ? [] : batch.Rows.AsSpan())
        {
            bytes += row.EstimatedBytes;
        }
        return bytes;
    }

    private static void Count(RunCommand command, long weight)
    {
        switch (command)
        {
            case LogBatch batch:
                Diagnostics.RxFactorioMeter.RowsPending.Add(-batch.Rows.Length);
                Diagnostics.RxFactorioMeter.BytesPending.Add(-weight);
                Diagnostics.RxFactorioMeter.RowsWritten.Add(batch.Rows.Length);
                Diagnostics.RxFactorioMeter.Batches.Add(1);
                break;
            case StartRun:
                Diagnostics.RxFactorioMeter.RunsActive.Add(1);
                break;
            case FinishRun:
                Diagnostics.RxFactorioMeter.RunsActive.Add(-1);
                break;
        }
    }

    private void Finish()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
        }
        _delivered.OnCompleted();
    }

    private void Stop(Exception error)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            DropQueued();
        }
        _delivered.OnError(error);
    }
}
