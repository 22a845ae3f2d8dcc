using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace RxFactorio.Sources;

/// <summary>
/// What a tailed file held before a read offset: its first bytes and the bytes just before the
/// offset (up to <see cref="SpanBytes"/> each), as log shippers keep them (Filebeat's fingerprint of
/// a file's head, Fluent Bit's offset marker). A file truncated and rewritten in place keeps its
/// inode, and may be longer than the offset again by the time it is looked at; its bytes before the
/// offset are then different, which is how the rewrite is told from an append.
/// </summary>
/// <remarks>Not thread-safe: one reader at a time.</remarks>
internal sealed class TailFingerprint
{
    /// <summary>How many bytes of the head, and of the bytes before the offset, are compared.</summary>
    public const int SpanBytes = 1024;

    private const string Prefix = "xxh128:";

    private readonly byte[] _head = new byte[SpanBytes];
    private readonly byte[] _tail = new byte[SpanBytes];
    private int _headLength;
    private int _tailLength;
    private TailFingerprint? _scratch;

    /// <summary>The offset the fingerprint is taken at: every byte before it has been seen.</summary>
    public long Offset { get; private set; }

    /// <summary>Forgets everything: the fingerprint of offset 0.</summary>
    public void Reset()
    {
        _headLength = 0;
        _tailLength = 0;
        Offset = 0;
    }

    /// <summary>Takes in the next bytes of the file (those just read at <see cref="Offset"/>).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_headLength < SpanBytes)
        {
            var n = Math.Min(SpanBytes - _headLength, bytes.Length);
            bytes[..n].CopyTo(_head.AsSpan(_headLength));
            _headLength += n;
        }
        if (bytes.Length >= SpanBytes)
        {
            bytes[^SpanBytes..].CopyTo(_tail);
            _tailLength = SpanBytes;
        }
        else
        {
            var keep = Math.Min(_tailLength, SpanBytes - bytes.Length);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            bytes.CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + bytes.Length;
        }
        Offset += bytes.Length;
    }

    /// <summary>The fingerprint of <paramref name="handle"/>'s bytes before <paramref name="offset"/>; <c>null</c> when the file is shorter.</summary>
    public static TailFingerprint? Read(SafeFileHandle handle, long offset)
    {
        var fingerprint = new TailFingerprint();
        return fingerprint.ReadFrom(handle, offset) ? fingerprint : null;
    }

    /// <summary>Makes this the fingerprint of <paramref name="handle"/>'s bytes before <paramref name="offset"/>; false when the file is shorter.</summary>
    private bool ReadFrom(SafeFileHandle handle, long offset)
    {
        var head = (int)Math.Min(SpanBytes, offset);
        if (!ReadExactly(handle, _head.AsSpan(0, head), 0) || !ReadExactly(handle, _tail.AsSpan(0, head), offset - head))
        {
            return false;
        }
        _headLength = head;
        _tailLength = head;
        Offset = offset;
        return true;
    }

    /// <summary>
    /// The <see cref="Hash"/> of the file at <paramref name="path"/> before <paramref name="offset"/>, when the
    /// path still names the file <paramref name="identity"/> and it is that long; else <c>null</c>.
    /// </summary>
    public static string? HashOf(string path, FileIdentity identity, long offset) => At(path, identity, offset)?.Hash();

    /// <summary>
    /// Whether the file at <paramref name="path"/> is still the file <paramref name="identity"/>, at least
    /// <paramref name="offset"/> long, with the bytes before it that <paramref name="stored"/> fingerprints.
    /// </summary>
    public static bool StillHolds(string path, FileIdentity identity, long offset, string stored) => At(path, identity, offset)?.MatchesStored(stored) == true;

    private static TailFingerprint? At(string path, FileIdentity identity, long offset)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return FileIdentities.Of(handle) == identity ? Read(handle, offset) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the file now holds the same bytes before <see cref="Offset"/> as were seen.</summary>
    /// <remarks>Checked at every poll of a quiet tail: the file's bytes are read into one scratch fingerprint, not a new one each time.</remarks>
    public bool Matches(SafeFileHandle handle)
    {
        _scratch ??= new TailFingerprint();
        return _scratch.ReadFrom(handle, Offset) && _scratch.SameAs(this);
    }

    /// <summary>
    /// <c>xxh128:</c> and the hex XXH128 of the head then the bytes before the offset (what a checkpoint stores).
    /// A non-cryptographic hash: it tells a rewrite from an append, and anyone who could forge a collision
    /// can write the file itself. (SHA-256 would load the platform's crypto library, ~5 MB of resident
    /// memory, for this alone.)
    /// </summary>
    public string Hash()
    {
        var hash = new XxHash128();
        hash.Append(_head.AsSpan(0, _headLength));
        hash.Append(_tail.AsSpan(0, _tailLength));
        return Prefix + Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>
    /// Whether <paramref name="stored"/> (a checkpoint's fingerprint) is this one's: an <c>xxh128:</c> one,
    /// or a <c>sha256:</c> one as checkpoints written before 2026-12-03 hold.
    /// </summary>
    public bool MatchesStored(string stored) =>
        stored.StartsWith(LegacySha256Fingerprint.Prefix, StringComparison.Ordinal)
            ? LegacySha256Fingerprint.Of(_head.AsSpan(0, _headLength), _tail.AsSpan(0, _tailLength)) == stored
            : Hash() == stored;

    private bool SameAs(TailFingerprint other) =>
        Offset == other.Offset
        && _head.AsSpan(0, _headLength).SequenceEqual(other._head.AsSpan(0, other._headLength))
        && _tail.AsSpan(0, _tailLength).SequenceEqual(other._tail.AsSpan(0, other._tailLength));

    private static bool ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read <= 0)
            {
                return false;
            }
            buffer = buffer[read..];
            offset += read;
        }
        return true;
    }
}
