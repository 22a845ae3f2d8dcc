using System.Buffers;

namespace RxFactorio.Benchmarks.Corpus;

/// <summary>
/// The benchmark corpus: <see cref="Lines"/> stats lines (about 60 items and a player each,
/// 2–3 KB) from 8 interleaved sessions, in one array, cut into fixed-size chunks the way a file
/// source delivers them. Deterministic: the same bytes on every run.
/// </summary>
internal sealed class StatsCorpus
{
    public const int DefaultLines = 10_000;
    public const int DefaultChunkBytes = 64 * 1024;
    private const int Sessions = 8;

    private static StatsCorpus? _default;

    private StatsCorpus(byte[] bytes, int lines, int chunkBytes)
    {
        Bytes = bytes;
        Lines = lines;
        ChunkBytes = chunkBytes;
        var chunks = new List<ReadOnlySequence<byte>>();
        for (var offset = 0; offset < bytes.Length; offset += chunkBytes)
        {
            chunks.Add(new ReadOnlySequence<byte>(bytes, offset, Math.Min(chunkBytes, bytes.Length - offset)));
        }
        Chunks = [.. chunks];
    }

    /// <summary>The default corpus (10,000 lines, 64 KiB chunks), built once per process.</summary>
    public static StatsCorpus Default => _default ??= Build(DefaultLines, DefaultChunkBytes);

    public byte[] Bytes { get; }

    public int Lines { get; }

    public int ChunkBytes { get; }

    public ReadOnlySequence<byte>[] Chunks { get; }

    public static StatsCorpus Build(int lines, int chunkBytes)
    {
        var sessions = Enumerable.Range(0, Sessions).Select(i => new SimSession(i, seed: 1000 + i)).ToArray();
        var writer = new LineWriter();
        using var output = new MemoryStream(lines * 2600);
        for (var i = 0; i < lines; i++)
        {
            var session = sessions[i % Sessions];
            session.Advance();
            writer.Stats(session, withExtensions: false);
            output.Write(writer.Line);
        }
        return new StatsCorpus(output.ToArray(), lines, chunkBytes);
    }

    /// <summary>The same bytes cut into chunks of another size.</summary>
    public StatsCorpus Rechunked(int chunkBytes) => new(Bytes, Lines, chunkBytes);
}
