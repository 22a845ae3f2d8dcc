using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxFactorio.Sources.Native;

namespace RxFactorio.Sources;

/// <summary>Opens a live source by path, choosing how to read it from what the path is.</summary>
public static class LiveSources
{
    /// <summary>
    /// <c>-</c> is stdin; <c>udp://HOST:PORT</c> is a UDP port (see <see cref="UdpAddress"/>); an existing FIFO is a FIFO; an existing regular file is tailed; a path
    /// that does not exist yet becomes a FIFO when it ends in <c>.pipe</c> (the mod's default name)
    /// on Linux and macOS, and is otherwise a file that is waited for and tailed. On Windows,
    /// where the game cannot write to a FIFO, every path is a tailed file.
    /// </summary>
    /// <param name="path">The path, <c>-</c>, or a <c>udp://</c> address.</param>
    public static SourceKind Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path == "-")
        {
            return SourceKind.Stdin;
        }
        if (UdpAddress.IsUdp(path))
        {
            return SourceKind.Udp;
        }
        if (OperatingSystem.IsWindows())
        {
            return SourceKind.TailedFile;
        }
        if (Libc.StatPath(path) is { } status)
        {
            return status.IsFifo ? SourceKind.Fifo : SourceKind.TailedFile;
        }
        return path.EndsWith(".pipe", StringComparison.Ordinal) ? SourceKind.Fifo : SourceKind.TailedFile;
    }

    /// <summary>Opens <paramref name="path"/> as <see cref="Detect"/> says.</summary>
    /// <param name="path">The path, <c>-</c>, or a <c>udp://</c> address.</param>
    /// <param name="tail">Options for a tailed file; <c>null</c> uses the defaults.</param>
    /// <param name="logger">Where opens, reopens and truncations are logged.</param>
    /// <param name="stateChanged">
    /// Told each change of the source's <see cref="SourceState"/>, whatever its kind (stdin too):
    /// see <see cref="TailOptions.StateChanged"/> and <see cref="FifoSourceOptions.StateChanged"/>;
    /// stdin is <see cref="SourceState.Open"/> once opened and <see cref="SourceState.Closed"/> at
    /// its end. When given, it replaces <paramref name="tail"/>'s <see cref="TailOptions.StateChanged"/>.
    /// Must be quick and must not throw.
    /// </param>
    /// <param name="udp">
    /// Options for a UDP source (remote binding, diagnostics); <c>null</c> uses the defaults. When
    /// <paramref name="stateChanged"/> is given, it replaces their <see cref="UdpSourceOptions.StateChanged"/>.
    /// </param>
    /// <exception cref="ArgumentException">A <c>udp://</c> address that is not valid (or not loopback, unless allowed).</exception>
    public static IObservable<ReadOnlySequence<byte>> Open(
        string path, TailOptions? tail = null, ILogger? logger = null, Action<SourceState>? stateChanged = null, UdpSourceOptions? udp = null)
    {
        var kind = Detect(path);
        if (kind == SourceKind.Udp)
        {
            udp ??= new UdpSourceOptions();
            if (!UdpAddress.TryParse(path, udp.AllowRemote, out var endpoint, out var error))
            {
                throw new ArgumentException(error, nameof(path));
            }
            return ByteSources.FromUdp(endpoint, path, stateChanged is null ? udp : udp with { StateChanged = stateChanged }, logger);
        }
        if (kind == SourceKind.Fifo && !OperatingSystem.IsWindows())
        {
            return ByteSources.FromFifo(path, new FifoSourceOptions { StateChanged = stateChanged }, logger);
        }
        if (kind == SourceKind.Stdin)
        {
            return StreamSource.Create(StdinStream.Open, "stdin", logger ?? NullLogger.Instance, stateChanged);
        }
        if (stateChanged is not null)
        {
            tail = (tail ?? new TailOptions()) with { StateChanged = stateChanged };
        }
        return ByteSources.TailFile(path, tail, logger);
    }
}
