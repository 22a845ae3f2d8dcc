using System.Diagnostics;
using System.Globalization;
using RxFactorio.Benchmarks.Corpus;

namespace RxFactorio.Benchmarks.Modes;

/// <summary>
/// <c>generate OUT.jsonl [--megabytes 500] [--sessions 8]</c>: writes a deterministic recording
/// of interleaved sessions (a session_init each, then stats lines with about 60 items, metrics
/// and a player, and now and then game events), streaming to disk in bounded memory.
/// A megabyte is 10^6 bytes; the file stops at the first line that reaches the size.
/// </summary>
internal static class RecordingGenerator
{
    private const int Seed = 20_240_601;

    public static int Run(string[] args)
    {
        var path = CommandLine.Positional(args);
        if (path is null)
        {
            Console.Error.WriteLine("usage: generate OUT.jsonl [--megabytes 500] [--sessions 8]");
            return 2;
        }
        var targetBytes = CommandLine.IntOption(args, "--megabytes", 500) * 1_000_000L;
        var sessionCount = CommandLine.IntOption(args, "--sessions", 8);
        var stopwatch = Stopwatch.StartNew();
        var counts = Write(path, targetBytes, sessionCount);
        var size = new FileInfo(path).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {path}: {size} bytes, {counts.Init + counts.Stats + counts.Events} lines ({counts.Init} session_init, {counts.Stats} stats, {counts.Events} event) from {sessionCount} sessions in {stopwatch.Elapsed.TotalSeconds:N1} s"));
        return 0;
    }

    private static (long Init, long Stats, long Events) Write(string path, long targetBytes, int sessionCount)
    {
        var order = new Random(Seed);
        var sessions = Enumerable.Range(0, sessionCount).Select(i => new SimSession(i, Seed + 1 + i)).ToArray();
        var writer = new LineWriter();
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        long init = 0, stats = 0, events = 0;
        foreach (var session in sessions)
        {
            writer.SessionInit(session);
            file.Write(writer.Line);
            init++;
        }
        while (file.Position < targetBytes)
        {
            // Each round every session writes one stats line, in a shuffled order, as the
            // sessions' game clocks drift against each other.
            order.Shuffle(sessions);
            foreach (var session in sessions)
            {
                while (session.Random.Next(100) < 6)
                {
                    writer.GameEvent(session);
                    file.Write(writer.Line);
                    events++;
                }
                session.Advance();
                writer.Stats(session, withExtensions: true);
                file.Write(writer.Line);
                stats++;
                if (file.Position >= targetBytes)
                {
                    break;
                }
            }
        }
        return (init, stats, events);
    }
}
