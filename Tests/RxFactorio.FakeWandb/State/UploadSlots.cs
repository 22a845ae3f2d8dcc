using System.Security.Cryptography;

namespace RxFactorio.FakeWandb.State;

/// <summary>
/// The upload URLs CreateRunFiles hands out, as a cloud store's signed URLs: each one names a random
/// slot that stands for one run's file. Thread-safe.
/// </summary>
internal sealed class UploadSlots
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (FakeRun Run, string Name)> _slots = new(StringComparer.Ordinal);

    /// <summary>A new slot for <paramref name="name"/> of <paramref name="run"/>.</summary>
    public string Issue(FakeRun run, string name)
    {
        var slot = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _slots[slot] = (run, name);
        }

        return slot;
    }

    public (FakeRun Run, string Name)? Find(string slot)
    {
        lock (_gate)
        {
            return _slots.TryGetValue(slot, out var target) ? target : null;
        }
    }
}
