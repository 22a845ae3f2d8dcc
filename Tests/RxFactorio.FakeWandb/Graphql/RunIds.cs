using System.Security.Cryptography;

namespace RxFactorio.FakeWandb.Graphql;

/// <summary>8 characters of [a-z0-9], like wandb/sdk/lib/runid.py (docs/wandb-protocol.md §6). Used when UpsertBucket sends name: null.</summary>
internal static class RunIds
{
    public static string New() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8);
}
