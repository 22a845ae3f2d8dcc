using System.Runtime.CompilerServices;

namespace RxFactorio.Runs;

/// <summary>
/// A small direct-mapped cache in front of a lookup by a string's text: it remembers, per string
/// INSTANCE, the value the lookup gave for it, so the interned key names a run stage passes again and
/// again (the same instances row after row) cost no hashing of their text. A miss (a new instance, or
/// one pushed out by another) just goes to the real lookup; the cache never answers for a string it was
/// not given, so it is only for lookups whose answer for a text never changes once cached (a set that only
/// grows, a cache of encodings). Fixed size: memory does not grow with the keys. Not thread-safe.
/// </summary>
/// <typeparam name="TValue">What the lookup gives.</typeparam>
internal sealed class InstanceCache<TValue>
{
    private const int Size = 4096;

    private readonly string?[] _keys = new string?[Size];
    private readonly TValue[] _values = new TValue[Size];

    /// <summary>Whether <paramref name="key"/>, this very instance, is cached; its value if so.</summary>
    public bool TryGet(string key, out TValue value)
    {
        var slot = Slot(key);
        if (ReferenceEquals(_keys[slot], key))
        {
            value = _values[slot];
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for this instance of <paramref name="key"/> (pushing out whatever shared its slot).</summary>
    public void Set(string key, TValue value)
    {
        var slot = Slot(key);
        _keys[slot] = key;
        _values[slot] = value;
    }

    private static int Slot(string key) => RuntimeHelpers.GetHashCode(key) & (Size - 1);
}
