namespace RxFactorio.RunLog;

/// <summary>One record read from a log: its bytes and where its chunks lie in the file.</summary>
/// <param name="Offset">The byte offset of the record's first chunk header.</param>
/// <param name="End">The byte offset just after the record's last chunk.</param>
/// <param name="Payload">The record's bytes.</param>
internal readonly record struct LogRecord(long Offset, long End, byte[] Payload);

/// <summary>What kind of damage a <see cref="LevelDbLogReader"/> skipped.</summary>
internal enum LogDamageKind
{
    /// <summary>A chunk's checksum does not match; the rest of its block is skipped (its length cannot be trusted).</summary>
    BadChecksum,

    /// <summary>A chunk's length runs past the end of its block; the rest of the block is skipped.</summary>
    BadLength,

    /// <summary>The file ends inside a chunk header, a chunk or a record split over chunks (a torn write).</summary>
    TruncatedTail,

    /// <summary>A MIDDLE or LAST chunk whose FIRST was lost (it lies in a damaged part).</summary>
    MissingStart,

    /// <summary>A record's FIRST (and MIDDLE) chunks whose record never ended: a new record or damage came first.</summary>
    IncompleteRecord,

    /// <summary>A chunk with a type other than FULL, FIRST, MIDDLE or LAST.</summary>
    UnknownChunkType,
}

/// <summary>One damaged stretch of a log.</summary>
/// <param name="Offset">Its first byte's offset in the file.</param>
/// <param name="Length">How many bytes were skipped.</param>
/// <param name="Kind">What was wrong.</param>
internal sealed record LogDamage(long Offset, long Length, LogDamageKind Kind)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} at byte {Offset} ({Length} bytes skipped)";
}

/// <summary>The outcome of reading a log: how much was intact and what was skipped, where and why.</summary>
internal sealed class LogReadReport
{
    private readonly List<LogDamage> _damage = [];

    /// <summary>How many intact records were read.</summary>
    public int RecordsRead { get; internal set; }

    /// <summary>The damaged stretches, in file order.</summary>
    public IReadOnlyList<LogDamage> Damage => _damage;

    /// <summary>How many bytes were skipped as damaged (the sum of <see cref="Damage"/> lengths).</summary>
    public long BytesSkipped => _damage.Sum(d => d.Length);

    /// <summary>True when nothing was skipped.</summary>
    public bool IsClean => _damage.Count == 0;

    /// <summary>How many bytes were read (the file's length once the read finished).</summary>
    public long BytesRead { get; internal set; }

    /// <summary>
    /// The offset just after the last intact record (the file header's end when there is none):
    /// where a writer that reopens the log should continue, cutting off a torn tail.
    /// </summary>
    public long AppendOffset { get; internal set; } = LevelDbLogFormat.FileHeaderSize;

    internal void Add(LogDamage damage)
    {
        if (damage.Length > 0)
        {
            _damage.Add(damage);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsClean
            ? $"{RecordsRead} records, intact"
            : $"{RecordsRead} records, {BytesSkipped} bytes skipped: {string.Join("; ", _damage)}";
}
