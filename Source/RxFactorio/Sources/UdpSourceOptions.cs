using RxFactorio.Diagnostics;

namespace RxFactorio.Sources;

/// <summary>Options for <see cref="ByteSources.FromUdp"/>.</summary>
public sealed record UdpSourceOptions
{
    /// <summary>The default <see cref="MaxDatagramBytes"/>: 64 KiB, more than any UDP datagram over IPv4 or IPv6 can carry.</summary>
    public const int DefaultMaxDatagramBytes = 64 * 1024;

    /// <summary>
    /// The receive buffer, in bytes: the largest datagram taken whole. A larger datagram is cut by
    /// the socket; it is then dropped whole and reported as <see cref="DiagnosticReason.DatagramTruncated"/>.
    /// Default <see cref="DefaultMaxDatagramBytes"/>.
    /// </summary>
    public int MaxDatagramBytes { get; init; } = DefaultMaxDatagramBytes;

    /// <summary>
    /// The kernel receive queue asked for (<c>SO_RCVBUF</c>), in bytes, so that a burst waits
    /// there while a chunk is being processed. The system may grant less (on Linux at most
    /// <c>net.core.rmem_max</c>). Default 4 MiB; 0 keeps the system default.
    /// </summary>
    public int SocketReceiveBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Allow binding an address that is not loopback (another interface, or <c>0.0.0.0</c> / <c>[::]</c>
    /// for all). Off by default: anyone who can reach the port can write telemetry.
    /// </summary>
    public bool AllowRemote { get; init; }

    /// <summary>
    /// Where a truncated datagram is reported (source, line number it occupies, datagram number);
    /// <c>null</c> reports it nowhere. Bad bytes inside a datagram are reported by framing and
    /// parsing, as for any source.
    /// </summary>
    public IObserver<IngestDiagnostic>? Diagnostics { get; init; }

    /// <summary>
    /// Called with the bound address once the socket is bound (the real port when port 0 was
    /// asked for), before the state becomes <see cref="SourceState.Open"/>. Must be quick and must not throw.
    /// </summary>
    public Action<System.Net.IPEndPoint>? Bound { get; init; }

    /// <summary>
    /// Called on the receive loop when the source's <see cref="SourceState"/> changes:
    /// <see cref="SourceState.Open"/> once the socket is bound, <see cref="SourceState.Closed"/>
    /// when the subscription is disposed, <see cref="SourceState.Failed"/> before an error is
    /// reported (e.g. the port is in use). Must be quick and must not throw.
    /// </summary>
    public Action<SourceState>? StateChanged { get; init; }
}
