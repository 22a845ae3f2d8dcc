using RxFactorio.Sources;

namespace RxFactorio.Cli.Commands;

/// <summary>Checks the <c>udp://</c> sources of <c>run</c> before anything starts.</summary>
internal static class UdpSources
{
    /// <summary>The first invalid <c>udp://</c> source's one-line reason, or <c>null</c> when all are valid.</summary>
    public static string? FirstError(IEnumerable<string> sources, bool allowRemote)
    {
        foreach (var source in sources)
        {
            if (UdpAddress.IsUdp(source) && !UdpAddress.TryParse(source, allowRemote, out _, out var error))
            {
                return Diagnostics.Printable.Of(error, 300);
            }
        }
        return null;
    }
}
