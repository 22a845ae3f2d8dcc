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
    private readonly Queue<RunCommand> _queue = new();
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
            _queue.Enqueue(value);
            if (value is LogBatch queued)
            {
                Diagnostics.RxFactorioMeter.RowsPending.Add(queued.Rows.Length);
                Diagnostics.RxFactorioMeter.BytesPending.Add(Weight(queued));
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
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
                if (!_queue.TryDequeue(out command!))
                {
                    _running = false;
                    if (!_sourceCompleted)
                    {
                        return;
                    }
                    break;
                }
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
            Count(command);
            _delivered.OnNext(command);
        }
        Finish();
    }

    // NOTE: under _gate; rows abandoned in the queue are no longer pending.
    private void DropQueued()
    {
        Diagnostics.RxFactorioMeter.RowsPending.Add(-_queue.OfType<LogBatch>().Sum(b => (long)b.Rows.Length));
        Diagnostics.RxFactorioMeter.BytesPending.Add(-_queue.OfType<LogBatch>().Sum(Weight));
        _queue.Clear();
    }

    private static long Weight(LogBatch batch) =>
        batch.Rows.Sum(r => (long)r.EstimatedBytes) + batch.LogLines.Sum(l => (long)l.Length);

    private static void Count(RunCommand command)
    {
        switch (command)
        {
            case LogBatch batch:
                Diagnostics.RxFactorioMeter.RowsPending.Add(-batch.Rows.Length);
                Diagnostics.RxFactorioMeter.BytesPending.Add(-Weight(batch));
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
