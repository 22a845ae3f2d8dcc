using System.Runtime.CompilerServices;

namespace RxFactorio.Runs;

/// <summary>
/// A small cache in front of a lookup by a string's text: it remembers, per string
/// INSTANCE, the value the lookup gave for it, so the interned key names a run stage passes again and
/// again (the same instances row after row) cost no hashing of their text. A miss (a new instance, or
/// one pushed out by others) just goes to the real lookup; the cache never answers for a string it was
/// not given, so it is only for lookups whose answer for a text never changes once cached (a set that only
/// grows, a cache of encodings). It starts small and doubles once a quarter of it is filled (few collisions), up to a fixed size: memory
/// follows the keys a run has (a fleet holds several caches per run), and does not grow past that. Not thread-safe.
/// </summary>
/// <typeparam name="TValue">What the lookup gives.</typeparam>
internal sealed class InstanceCache<TValue>
{
    private const int InitialSize = 64;
    private const int MaxSize = 4096;

    /// <summary>How many slots, from a key's own on, it may take: a key that meets another in its slot takes the next free one.</summary>
    private const int Probes = 4;

    private string?[] _keys = new string?[InitialSize];
    private TValue[] _values = new TValue[InitialSize];
    private int _filled;

    /// <summary>Whether <paramref name="key"/>, this very instance, is cached; its value if so.</summary>
    public bool TryGet(string key, out TValue value)
    {
        var keys = _keys;
        var mask = keys.Length - 1;
        var slot = Home(key, mask);
        for (var probe = 0; probe < Probes; probe++, slot = (slot + 1) & mask)
        {
            var cached = keys[slot];
            if (ReferenceEquals(cached, key))
            {
                value = _values[slot];
                return true;
            }
            if (cached is null)
            {
                break;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for this instance of <paramref name="key"/> (in the first free of its few slots, else pushing out whatever held its first).</summary>
    public void Set(string key, TValue value)
    {
        if (_filled >= _keys.Length / 4 && _keys.Length < MaxSize)
        {
            Grow();
        }
        Put(key, value);
    }

    private void Put(string key, TValue value)
    {
        var mask = _keys.Length - 1;
        var home = Home(key, mask);
        var slot = home;
        for (var probe = 0; probe < Probes; probe++, slot = (slot + 1) & mask)
        {
            var cached = _keys[slot];
            if (ReferenceEquals(cached, key))
            {
                _values[slot] = value;
                return;
            }
            if (cached is null)
            {
                _filled++;
                _keys[slot] = key;
                _values[slot] = value;
                return;
            }
        }
        // NOTE: every slot the key may take holds another key: the first is pushed out. A slot is never
        // emptied, so a lookup that stops at an empty slot has seen every slot the key could be in.
        _keys[home] = key;
        _values[home] = value;
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
                Put(key, values[i]);
            }
        }
    }

    private static int Home(string key, int mask) => RuntimeHelpers.GetHashCode(key) & mask;
}
