using System.Runtime.CompilerServices;

namespace RxFactorio.Runs;

/// <summary>
/// A small direct-mapped cache in front of a lookup by a string's text: it remembers, per string
/// INSTANCE, the value the lookup gave for it, so the interned key names a run stage passes again and
/// again (the same instances row after row) cost no hashing of their text. A miss (a new instance, or
/// one pushed out by another) just goes to the real lookup; the cache never answers for a string it was
/// not given, so it is only for lookups whose answer for a text never changes once cached (a set that only
/// grows, a cache of encodings). It starts small and doubles once a quarter of it is filled (few collisions), up to a fixed size: memory
/// follows the keys a run has (a fleet holds several caches per run), and does not grow past that. Not thread-safe.
/// </summary>
/// <typeparam name="TValue">What the lookup gives.</typeparam>
internal sealed class InstanceCache<TValue>
{
    private const int InitialSize = 64;
    private const int MaxSize = 4096;

    private string?[] _keys = new string?[InitialSize];
    private TValue[] _values = new TValue[InitialSize];
    private int _filled;

    /// <summary>Whether <paramref name="key"/>, this very instance, is cached; its value if so.</summary>
    public bool TryGet(string key, out TValue value)
    {
        var slot = Slot(key, _keys.Length);
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
        if (_filled >= _keys.Length / 4 && _keys.Length < MaxSize)
        {
            Grow();
        }
        var slot = Slot(key, _keys.Length);
        if (_keys[slot] is null)
        {
            _filled++;
        }
        _keys[slot] = key;
        _values[slot] = value;
    }

    private void Grow()
    {
        var (keys, values) = (_keys, _values);
        _keys = new string?[keys.Length * 2];
        _values = new TValue[keys.Length * 2];
        _filled = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                var slot = Slot(key, _keys.Length);
                _filled += _keys[slot] is null ? 1 : 0;
                _keys[slot] = key;
                _values[slot] = values[i];
            }
        }
    }

    private static int Slot(string key, int size) => RuntimeHelpers.GetHashCode(key) & (size - 1);
}
