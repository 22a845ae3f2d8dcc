using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace RxFactorio.Sources;

/// <summary>
/// Receives datagrams into one reused buffer and says whether each one was cut short, with no
/// allocation per datagram.
/// </summary>
/// <remarks>
/// <see cref="Socket.ReceiveAsync(Memory{byte}, SocketFlags, CancellationToken)"/> truncates an
/// over-long datagram silently on Linux, and the overloads that do report
/// <see cref="SocketFlags.Truncated"/> allocate the sender's address on every call. A reused
/// <see cref="SocketAsyncEventArgs"/> reports the flags and allocates nothing.
/// Not thread-safe: one receive at a time.
/// </remarks>
internal sealed class DatagramReceiver : SocketAsyncEventArgs, IValueTaskSource<DatagramReceiver.Datagram>
{
    private readonly Socket _socket;
    private ManualResetValueTaskSourceCore<Datagram> _completion;

    public DatagramReceiver(Socket socket, byte[] buffer, int receiveBytes)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _socket = socket;
        SetBuffer(buffer, 0, receiveBytes);
    }

    /// <summary>One received datagram: its length in the buffer and whether the socket cut it.</summary>
    public readonly record struct Datagram(int Length, bool Truncated);

    /// <summary>
    /// Waits for the next datagram. Ends with <see cref="SocketException"/>
    /// (<see cref="SocketError.OperationAborted"/>) when the socket is closed meanwhile.
    /// </summary>
    public ValueTask<Datagram> ReceiveAsync()
    {
        _completion.Reset();
        // NOTE: SocketFlags is also the receive's input; left at Truncated from a cut datagram it
        // would ask the kernel for MSG_TRUNC (the full length, past the buffer) next time.
        SocketFlags = SocketFlags.None;
        if (!_socket.ReceiveAsync(this))
        {
            Complete();
        }
        return new ValueTask<Datagram>(this, _completion.Version);
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => Complete();

    private void Complete()
    {
        if (SocketError == SocketError.Success)
        {
            _completion.SetResult(new Datagram(BytesTransferred, (SocketFlags & SocketFlags.Truncated) != 0));
        }
        else
        {
            _completion.SetException(new SocketException((int)SocketError));
        }
    }

    Datagram IValueTaskSource<Datagram>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<Datagram>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<Datagram>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
