using System.Text;

namespace RxFactorio.Events;

/// <summary>
/// Interns names (items, sessions, surfaces, event names) from their UTF-8 bytes, so that a name
/// seen before costs no allocation. Bounded: names longer than <see cref="MaxNameBytes"/>, or
/// beyond <see cref="MaxEntries"/> distinct names, are returned as fresh strings and not kept.
/// Not thread-safe: one table per parser.
/// </summary>
internal sealed class NameTable
{
    private readonly Dictionary<byte[], string> _names;
    private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private (byte[] Bytes, string Name)? _lastLong;

    /// <summary>Creates an empty table.</summary>
    /// <param name="maxEntries">The most distinct names kept.</param>
    /// <param name="maxNameBytes">The longest name kept, in UTF-8 bytes.</param>
    public NameTable(int maxEntries = 65_536, int maxNameBytes = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNameBytes);
        MaxEntries = maxEntries;
        MaxNameBytes = maxNameBytes;
        _names = new Dictionary<byte[], string>(Utf8BytesComparer.Instance);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The most distinct names this table keeps.</summary>
    public int MaxEntries { get; }

    /// <summary>The longest name, in UTF-8 bytes, this table keeps.</summary>
    public int MaxNameBytes { get; }

    /// <summary>How many names the table holds.</summary>
    public int Count => _names.Count;

    /// <summary>Returns the string for these UTF-8 bytes, interned when it fits the bounds.</summary>
    /// <param name="utf8">Valid UTF-8 bytes of the name, already unescaped.</param>
    public string Intern(ReadOnlySpan<byte> utf8) => Intern(utf8, out _);

    /// <summary>Returns the string for these UTF-8 bytes and the table's own copy of the bytes (<c>null</c> when not kept).</summary>
    /// <param name="utf8">Valid UTF-8 bytes of the name, already unescaped.</param>
    /// <param name="keptBytes">The table's copy of the bytes, to compare later lines against without hashing.</param>
    public string Intern(ReadOnlySpan<byte> utf8, out byte[]? keptBytes)
    {
        keptBytes = null;
        if (utf8.Length > MaxNameBytes)
        {
            return InternLong(utf8);
        }
        if (_lookup.TryGetValue(utf8, out keptBytes, out var name))
        {
            return name;
        }
        name = Encoding.UTF8.GetString(utf8);
        if (_names.Count < MaxEntries)
        {
            keptBytes = utf8.ToArray();
            _names.Add(keptBytes, name);
        }
        return name;
    }

    // NOTE: a long name (a 10 kB session id) is not kept in the table, but the last one is
    // remembered, so that a session with such an id still costs no allocation per line.
    private string InternLong(ReadOnlySpan<byte> utf8)
    {
        if (_lastLong is { } last && utf8.SequenceEqual(last.Bytes))
        {
            return last.Name;
        }
        var name = Encoding.UTF8.GetString(utf8);
        _lastLong = (utf8.ToArray(), name);
        return name;
    }

    private sealed class Utf8BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8BytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        // NOTE: HashCode is seeded randomly per process, so hostile names cannot be chosen to collide.
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
