using System.Buffers;
using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxFactorio.Sources;

/// <summary>
/// Where telemetry bytes come from: a named pipe, a followed file, a UDP port, a stream or a recording.
/// </summary>
/// <remarks>
/// <para>
/// Every source is cold: each subscription opens its own reader, and disposing the
/// subscription closes it promptly. Chunks are <b>borrowed</b>: a
/// <see cref="ReadOnlySequence{T}"/> is valid only during <c>OnNext</c>; copy what must
/// outlive the call. <c>OnNext</c> runs on a thread-pool thread, one chunk at a time.
/// </para>
/// <para>
/// <c>OnError</c> is used only for failures the source cannot recover from, such as a path
/// that cannot be opened; the message names the path.
/// </para>
/// </remarks>
public static class ByteSources
{
    /// <summary>
    /// Reads a named pipe (FIFO) forever, until the subscription is disposed; it never completes
    /// by itself. Creates the FIFO (mode 0600 by default) if the path does not exist.
    /// </summary>
    /// <remarks>
    /// The FIFO is held open for reading and writing while subscribed, so a writer that opens,
    /// appends and closes on every write (as Factorio does) never blocks in <c>open()</c> and the
    /// reader never sees end-of-file between writes. Linux and macOS only.
    /// </remarks>
    /// <param name="path">Path of the FIFO.</param>
    /// <param name="options">Creation options and the state callback; null for the defaults.</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The chunks read from the FIFO. Fails if the path exists and is not a FIFO, or cannot be opened.</returns>
    [UnsupportedOSPlatform("windows")]
    public static IObservable<ReadOnlySequence<byte>> FromFifo(string path, FifoSourceOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FifoSource.Create(path, options ?? new FifoSourceOptions(), logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Follows a growing regular file, like <c>tail -F</c>, until the subscription is disposed;
    /// it never completes by itself.
    /// </summary>
    /// <remarks>
    /// Reads from the beginning unless <see cref="TailOptions.FromEnd"/> or
    /// <see cref="TailOptions.StartAt"/> say otherwise, then polls for appends every
    /// <see cref="TailOptions.PollInterval"/>. A truncated file (shorter than the position read
    /// so far) is logged as a warning and read again from offset 0. A replaced file (the path now
    /// names a different file) is read to its end, then the new file is read from offset 0. A
    /// missing file is waited for.
    /// </remarks>
    /// <param name="path">Path of the file.</param>
    /// <param name="options">Polling, start and state-callback options; null for the defaults.</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The chunks appended to the file.</returns>
    public static IObservable<ReadOnlySequence<byte>> TailFile(string path, TailOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TailOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        return TailFileSource.Create(path, options, logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Receives UDP datagrams, each holding one or more lines, until the subscription is disposed;
    /// it never completes by itself.
    /// </summary>
    /// <remarks>
    /// Each datagram is one chunk, and its end is a line end even without a trailing newline.
    /// A datagram larger than <see cref="UdpSourceOptions.MaxDatagramBytes"/> is dropped whole and
    /// reported to <see cref="UdpSourceOptions.Diagnostics"/>; the stream goes on. Only loopback
    /// addresses are bound unless <see cref="UdpSourceOptions.AllowRemote"/> is set. Datagrams sent
    /// while nothing is subscribed, or while the kernel's receive queue is full, are lost: UDP does
    /// not resend.
    /// </remarks>
    /// <param name="endpoint">The address and port to bind; port 0 picks a free port (see <see cref="UdpSourceOptions.Bound"/>).</param>
    /// <param name="name">The source's display name in logs and diagnostics, e.g. <c>udp://127.0.0.1:34200</c>; null for that form of <paramref name="endpoint"/>.</param>
    /// <param name="options">Buffer sizes, remote binding, diagnostics and callbacks; null for the defaults.</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The datagrams, borrowed. Fails if the address is not loopback (and not allowed) or cannot be bound.</returns>
    public static IObservable<ReadOnlySequence<byte>> FromUdp(IPEndPoint endpoint, string? name = null, UdpSourceOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new UdpSourceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDatagramBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SocketReceiveBufferBytes, nameof(options));
        return UdpSource.Create(endpoint, name ?? UdpAddress.Prefix + endpoint, options, logger ?? NullLogger.Instance);
    }

    /// <summary>Reads a stream to its end, then completes.</summary>
    /// <param name="open">Opens the stream; called once per subscription. The source disposes the stream.</param>
    /// <param name="name">A name for the stream in logs (e.g. a path or "stdin").</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The chunks of the stream. Fails if <paramref name="open"/> or a read throws.</returns>
    public static IObservable<ReadOnlySequence<byte>> FromStream(Func<Stream> open, string name, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(name);
        return StreamSource.Create(open, name, logger ?? NullLogger.Instance);
    }

    /// <summary>Reads standard input to its end, then completes (the CLI's <c>-</c> source).</summary>
    /// <remarks>
    /// When standard input is a pipe (Linux), disposing the subscription also cancels a
    /// pending read; for a terminal the read ends at the next input.
    /// </remarks>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The chunks read from standard input.</returns>
    public static IObservable<ReadOnlySequence<byte>> FromStdin(ILogger? logger = null) =>
        FromStream(StdinStream.Open, "stdin", logger);

    /// <summary>Reads a finite regular file (a recording) to its end, then completes.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="logger">Where to log; null for none.</param>
    /// <returns>The chunks of the file. Fails with <see cref="FileNotFoundException"/> if the file does not exist.</returns>
    public static IObservable<ReadOnlySequence<byte>> ReadFile(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromStream(
            () => new FileStream(
                path,
                FileMode.Open,
                FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan),
            path,
            logger);
    }
}
