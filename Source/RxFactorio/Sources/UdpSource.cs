using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxFactorio.Diagnostics;

namespace RxFactorio.Sources;

/// <summary>
/// Receives datagrams on a bound UDP socket, each holding one or more lines, and lends each one
/// to the observer as a chunk that always ends with a line end.
/// </summary>
/// <remarks>
/// One buffer is reused for every datagram. A datagram without a trailing <c>\n</c> gets one,
/// so it never runs into the next datagram's first line. A datagram the socket cut short is
/// dropped whole (its last line would be cut) and reported; it still takes one (blank) line
/// number, so diagnostics after it keep pointing at the right line.
/// </remarks>
internal static class UdpSource
{
    private const byte Lf = (byte)'\n';

    public static IObservable<ReadOnlySequence<byte>> Create(IPEndPoint endpoint, string name, UdpSourceOptions options, ILogger logger) =>
        Observable.Create<ReadOnlySequence<byte>>((observer, cancellationToken) =>
            Task.Run(() => RunAsync(endpoint, name, options, logger, observer, cancellationToken), CancellationToken.None));

    private static async Task RunAsync(
        IPEndPoint endpoint,
        string name,
        UdpSourceOptions options,
        ILogger logger,
        IObserver<ReadOnlySequence<byte>> observer,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = new SourceStateReporter(name, options.StateChanged);
        await state.RunAsync(
            async () =>
            {
                using var socket = Bind(endpoint, name, options);
                var bound = (IPEndPoint)socket.LocalEndPoint!;
                options.Bound?.Invoke(bound);
                SourceLog.UdpListening(logger, name, bound.ToString());
                state.Report(SourceState.Open);
                // NOTE: closing the socket is what ends a pending receive; the loop then sees the token.
                using var closeOnCancel = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket);
                try
                {
                    await ReceiveLoopAsync(socket, name, options, observer, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    SourceLog.Closed(logger, name);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static Socket Bind(IPEndPoint endpoint, string name, UdpSourceOptions options)
    {
        if (!options.AllowRemote && !IPAddress.IsLoopback(endpoint.Address))
        {
            throw new InvalidOperationException(
                $"Refusing to listen on {name}: {endpoint.Address} is not a loopback address (allow it explicitly, e.g. --udp-allow-remote).");
        }

        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            if (options.SocketReceiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = options.SocketReceiveBufferBytes;
            }
            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Cannot listen on {name}: {ex.Message} ({ex.SocketErrorCode}).", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task ReceiveLoopAsync(
        Socket socket,
        string name,
        UdpSourceOptions options,
        IObserver<ReadOnlySequence<byte>> observer,
        CancellationToken cancellationToken)
    {
        // One spare byte past the receive area holds the line end a datagram may lack.
        var buffer = GC.AllocateUninitializedArray<byte>(options.MaxDatagramBytes + 1);
        using var receiver = new DatagramReceiver(socket, buffer, options.MaxDatagramBytes);
        var blankLine = new ReadOnlySequence<byte>("\n"u8.ToArray());
        long datagrams = 0;
        long lines = 0;
        while (true)
        {
            DatagramReceiver.Datagram datagram;
            try
            {
                datagram = await receiver.ReceiveAsync().ConfigureAwait(false);
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // NOTE: Windows reports an ICMP "port unreachable" for an earlier send as a reset of
                // the next receive; nothing was lost on this socket, so receive on.
                continue;
            }

            datagrams++;
            if (datagram.Truncated)
            {
                lines++;
                options.Diagnostics.Report(new IngestDiagnostic(
                    DiagnosticReason.DatagramTruncated, name, lines,
                    $"datagram {datagrams} is larger than the {options.MaxDatagramBytes}-byte receive buffer; dropped it whole",
                    Excerpt.Of(buffer.AsSpan(0, datagram.Length))));
                observer.OnNext(blankLine);
                continue;
            }
            if (datagram.Length == 0)
            {
                continue;
            }

            int length = datagram.Length;
            if (buffer[length - 1] != Lf)
            {
                buffer[length++] = Lf;
            }
            lines += buffer.AsSpan(0, length).Count(Lf);
            // NOTE: the chunk is only lent: the next receive overwrites the buffer.
            observer.OnNext(new ReadOnlySequence<byte>(buffer, 0, length));
        }
    }
}
