using System.Security.Cryptography;

namespace RxFactorio.Sources;

/// <summary>
/// The <c>sha256:</c> fingerprints that checkpoints written before 2026-12-03 hold (see
/// <see cref="TailFingerprint.MatchesStored"/>). Kept apart so the platform's crypto library is loaded only when
/// such a checkpoint is checked: on the first start after an upgrade, once per source.
/// </summary>
internal static class LegacySha256Fingerprint
{
    /// <summary>The prefix of a legacy fingerprint.</summary>
    public const string Prefix = "sha256:";

    /// <summary><c>sha256:</c> and the hex SHA-256 of <paramref name="head"/> then <paramref name="tail"/>.</summary>
    public static string Of(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(head);
        sha.AppendData(tail);
        return Prefix + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
