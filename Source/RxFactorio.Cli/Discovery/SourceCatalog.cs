using System.Collections.Concurrent;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Discovery;

/// <summary>
/// The sources one <c>run</c> reads, named ones and those its patterns found, each once (a file
/// given twice, or named and matched by a pattern, is read once, under the name it got first),
/// with their labels: the run stage asks it for a new run's label (<see cref="LabelOf"/>). Thread-safe.
/// </summary>
internal sealed class SourceCatalog
{
    private readonly ConcurrentDictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds the source <paramref name="name"/> with <paramref name="label"/>; false when the same file (or address) is in already.</summary>
    /// <param name="name">The source as it is read: a path, <c>-</c> or a <c>udp://</c> address.</param>
    /// <param name="label">Its label.</param>
    public bool TryAdd(string name, string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.TryAdd(Identity(name), name))
        {
            return false;
        }
        _labels[name] = label;
        return true;
    }

    /// <summary>The name the same file was added under first (for a message), or <c>null</c>.</summary>
    public string? NameOf(string name) => _names.GetValueOrDefault(Identity(name));

    /// <summary>The label of the source <paramref name="name"/>, or <c>null</c> for a source not added.</summary>
    public string? LabelOf(string name) => _labels.GetValueOrDefault(name);

    private static string Identity(string name) =>
        name == "-" || UdpAddress.IsUdp(name) ? name.ToLowerInvariant() : Path.GetFullPath(name);
}
