using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using RxFactorio.Framing;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>
/// A tailed file truncated and rewritten in place (same inode), already longer than the old offset
/// when the tail looks again: the new content is read from its start, with line numbers from 1 and
/// offsets from 0, and a warning once. Real files, the real tail and the real framer.
/// </summary>
public sealed class TailRewriteTests
{
    private string _dir = null!;
    private string _path = null!;
    private ListLogger _log = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("rxfactorio-rewrite-").FullName;
        _path = Path.Combine(_dir, "events.jsonl");
        _log = new ListLogger();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task RewrittenLongerThanTheOffsetBetweenPolls_NewContentFromItsStart_LineNumbersFromOne()
    {
        await File.WriteAllTextAsync(_path, "old-1\nold-2\nold-3\n");
        var inode = FileIdentities.OfPath(_path);
        var lines = new List<(string Text, long Number, long EndOffset)>();
        using var subscription = ByteSources.TailFile(_path, new TailOptions { PollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(20) }, _log)
            .FrameLines(_path)
            .Subscribe(line =>
            {
                lock (lines)
                {
                    lines.Add((Encoding.UTF8.GetString(line.Bytes.ToArray()), line.Number, line.EndOffset));
                }
            });
        await Wait.UntilAsync(() => Count(lines) == 3, () => "the old lines");

        // NOTE: one write over the whole file from byte 0, longer than the old content: the file is never shorter
        // than the offset, so the next poll finds it grown past it (a truncation would be seen by its length).
        const string rewritten = "new-line-1\nnew-line-2\nnew-line-3\nnew-line-4\n";
        await using (var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(rewritten));
        }
        Assert.That(FileIdentities.OfPath(_path), Is.EqualTo(inode), "rewritten in place: the same inode");
        await Wait.UntilAsync(() => Count(lines) == 7, () => $"the new lines: {string.Join(", ", Snapshot(lines))}");

        Assert.That(Snapshot(lines), Is.EqualTo(new[]
        {
            ("old-1", 1L, 6L), ("old-2", 2L, 12L), ("old-3", 3L, 18L),
            ("new-line-1", 1L, 11L), ("new-line-2", 2L, 22L), ("new-line-3", 3L, 33L), ("new-line-4", 4L, 44L),
        }));
        Assert.That(_log.Count(LogLevel.Warning, "rewritten in place"), Is.EqualTo(1), "warned once");
    }

    [Test]
    public async Task Appends_AreNotMistakenForARewrite()
    {
        await File.WriteAllTextAsync(_path, "a-1\n");
        var lines = new List<(string Text, long Number, long EndOffset)>();
        using var subscription = ByteSources.TailFile(_path, new TailOptions { PollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(20) }, _log)
            .FrameLines(_path)
            .Subscribe(line =>
            {
                lock (lines)
                {
                    lines.Add((Encoding.UTF8.GetString(line.Bytes.ToArray()), line.Number, line.EndOffset));
                }
            });
        var expected = new List<(string, long, long)> { ("a-1", 1, 4) };
        await Wait.UntilAsync(() => Count(lines) == 1, () => "the first line");
        for (var i = 2; i <= 40; i++)
        {
            // A line longer than the fingerprint's span now and then, so that head and tail windows both slide.
            var text = i % 10 == 0 ? $"a-{i}-" + new string('x', 1500) : $"a-{i}";
            await File.AppendAllTextAsync(_path, text + "\n");
            expected.Add((text, i, expected[^1].Item3 + text.Length + 1));
            await Wait.UntilAsync(() => Count(lines) == i, () => $"line {i}");
        }

        Assert.That(Snapshot(lines), Is.EqualTo(expected));
        Assert.That(_log.Count(LogLevel.Warning, "rewritten"), Is.Zero);
    }

    private static int Count(List<(string, long, long)> lines)
    {
        lock (lines)
        {
            return lines.Count;
        }
    }

    private static List<(string, long, long)> Snapshot(List<(string, long, long)> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
