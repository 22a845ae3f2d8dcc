using RxFactorio.Runs;

namespace RxFactorio.Tests.Runs;

/// <summary>The run stage's per-instance cache never answers wrongly, however many keys a run brings, and keeps what it was given as it grows.</summary>
public sealed class InstanceCacheTests
{
    [Test]
    public void KeysSetBeforeTheCacheGrew_AreStillFoundAfter_AndNoOtherInstanceIs()
    {
        var cache = new InstanceCache<int>();
        var keys = Enumerable.Range(0, 20_000).Select(i => new string($"production/item-{i}")).ToArray();
        var found = 0;

        for (var i = 0; i < keys.Length; i++)
        {
            cache.Set(keys[i], i);
        }
        for (var i = 0; i < keys.Length; i++)
        {
            if (cache.TryGet(keys[i], out var value))
            {
                Assert.That(value, Is.EqualTo(i), keys[i]);
                found++;
            }
            Assert.That(cache.TryGet(new string(keys[i]), out _), Is.False, "another instance of the same text is not this one");
        }

        Assert.That(found, Is.GreaterThan(1_000), "a full cache still holds most of what fits");
    }

    [Test]
    public void AFewHundredKeys_AreNearlyAllAnsweredFromTheCache()
    {
        var cache = new InstanceCache<string>();
        var keys = Enumerable.Range(0, 300).Select(i => $"consumption/item-{i}").ToArray();

        // As the run stage uses it: every row asks for each key, and a miss is looked up and set again.
        for (var row = 0; row < 3; row++)
        {
            foreach (var key in keys.Where(k => !cache.TryGet(k, out _)))
            {
                cache.Set(key, key.ToUpperInvariant());
            }
        }

        Assert.That(keys.Count(k => cache.TryGet(k, out var v) && v == k.ToUpperInvariant()), Is.GreaterThan(250), "collisions may push out a few, never answer wrongly");
        Assert.That(keys.All(k => !cache.TryGet(k, out var v) || v == k.ToUpperInvariant()), Is.True);
    }
}
