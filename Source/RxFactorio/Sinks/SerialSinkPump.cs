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
            _queue.Clear();
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
            _delivered.OnNext(command);
        }
        Finish();
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
            _queue.Clear();
        }
        _delivered.OnError(error);
    }
}
