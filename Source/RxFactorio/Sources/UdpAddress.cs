using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxFactorio.Sources;

/// <summary>
/// The <c>udp://HOST:PORT</c> form of a UDP source: HOST is an IPv4 address, a bracketed IPv6
/// address (<c>[::1]</c>) or <c>localhost</c>; PORT is 1–65535; nothing may follow.
/// </summary>
internal static class UdpAddress
{
    /// <summary>The scheme prefix, <c>udp://</c>.</summary>
    public const string Prefix = "udp://";

    /// <summary>Whether <paramref name="source"/> names a UDP source (starts with <c>udp://</c>, any case).</summary>
    /// <param name="source">A source as given on the command line.</param>
    public static bool IsUdp(string source) => source.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a <c>udp://HOST:PORT</c> source.</summary>
    /// <param name="source">The text, e.g. <c>udp://127.0.0.1:34200</c>.</param>
    /// <param name="allowRemote">Whether an address that is not loopback is accepted.</param>
    /// <param name="endpoint">The address to bind, when valid.</param>
    /// <param name="error">Why it is not valid: one line, naming the text.</param>
    /// <returns>Whether <paramref name="source"/> is a valid UDP source.</returns>
    public static bool TryParse(
        string source,
        bool allowRemote,
        [NotNullWhen(true)] out IPEndPoint? endpoint,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        error = Check(source, allowRemote, out endpoint);
        return error is null;
    }

    private static string? Check(string source, bool allowRemote, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (!IsUdp(source))
        {
            return $"'{source}' is not a UDP source: it must start with {Prefix}";
        }

        var rest = source.AsSpan(Prefix.Length);
        int colon = rest.LastIndexOf(':');
        if (colon < 0 || (rest.Length > 0 && rest[0] == '[' && rest.LastIndexOf(']') > colon))
        {
            return $"'{source}' has no port: use {Prefix}HOST:PORT, e.g. {Prefix}127.0.0.1:34200";
        }

        var hostText = rest[..colon];
        var portText = rest[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > IPEndPoint.MaxPort)
        {
            return $"'{source}' has a bad port '{portText}': it must be a number from 1 to {IPEndPoint.MaxPort}";
        }

        if (ParseHost(hostText) is not { } address)
        {
            return $"'{source}' has a bad host '{hostText}': use an IP address ([::1] for IPv6) or localhost";
        }

        if (!allowRemote && !IPAddress.IsLoopback(address))
        {
            return $"'{source}' is not a loopback address: anyone who reaches the port could write telemetry; pass --udp-allow-remote to listen there";
        }

        endpoint = new IPEndPoint(address, port);
        return null;
    }

    private static IPAddress? ParseHost(ReadOnlySpan<char> host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }
        // NOTE: IPAddress.TryParse accepts "1" or "0x7f.1" as IPv4; only dotted quads are taken here.
        return host.Count('.') == 3 && IPAddress.TryParse(host, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork ? v4 : null;
    }
}
