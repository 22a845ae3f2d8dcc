using System.Globalization;
using System.Text.Json;
using RxFactorio.FakeWandb;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Recovery;

/// <summary>
/// A tailed file truncated and rewritten in place (same inode) while <c>rxfactorio run</c> was
/// stopped, longer than the checkpoint's offset: the next real <c>run</c> reads the new content
/// from its start (its session_init and first rows included), warns once, and numbers its lines from 1.
/// </summary>
public sealed class RewrittenWhileStoppedTests() : FakeWandbCliTest("rxf-rewrite-")
{
    private static IEnumerable<string> Session(string id, int cycles, string? badLineAt3 = null)
    {
        yield return $$"""{"type":"session_init","session_id":"{{id}}","tick":120,"level_name":"freeplay"}""";
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            if (cycle == 2 && badLineAt3 is not null)
            {
                yield return badLineAt3;
            }
            yield return string.Create(CultureInfo.InvariantCulture,
                $$$"""{"type":"stats","session_id":"{{{id}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle}}}}}""");
        }
    }

    [Test]
    public async Task RewrittenInPlaceLongerThanTheCheckpoint_NextRunReadsItFromTheStart()
    {
        var source = Path.Combine(Dir, "events.jsonl");
        await File.WriteAllLinesAsync(source, Session("first_session", 10));
        string[] args = ["run", "--source", source, "--batch-window", "100ms"];
        await using (var first = CliProcess.Start(args, Online(), Dir))
        {
            await first.WaitUntilAsync(() => CheckpointOffset() > 0 && Server.State.Runs.Sum(r => r.HistoryRows().Count) >= 9, "the first session in the log and on W&B");
            await first.SignalAsync("TERM");
            Assert.That((await first.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode, Is.EqualTo(0));
        }
        var offset = CheckpointOffset();

        // Truncated and rewritten through the same inode while stopped: a new session, longer than the checkpoint's offset.
        await using (var file = new FileStream(source, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(0);
            await using var text = new StreamWriter(file);
            foreach (var line in Session("second_session", 30, badLineAt3: "{not json"))
            {
                await text.WriteLineAsync(line);
            }
        }
        Assert.That(new FileInfo(source).Length, Is.GreaterThan(offset), "grown past the checkpoint again");

        await using var second = CliProcess.Start(args, Online(), Dir);
        await second.WaitUntilAsync(() => SecondRun()?.HistoryRows().Count >= 29, "the new session's rows");
        await second.SignalAsync("TERM");
        var result = await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Does.Contain("is not the file its checkpoint was taken of (replaced, truncated, or rewritten in place)"));
        Assert.That(result.Error, Does.Not.Contain("reading on from byte"));
        Assert.That(result.Error, Does.Contain(source + ":3"), "the bad line is numbered from the new content's start");
        var run = SecondRun()!;
        Assert.That(ServerView.Steps(run), Is.EqualTo(Enumerable.Range(1, 30).Select(c => (long)c)), "every row of the new content, from its first");
    }

    private RxFactorio.FakeWandb.State.FakeRun? SecondRun() =>
        Server.State.Runs.FirstOrDefault(r => r.DisplayName?.Contains("second_session", StringComparison.Ordinal) == true);

    private long CheckpointOffset()
    {
        var folder = Path.Combine(Dir, "wandb", "checkpoints");
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(file));
                return json.RootElement.GetProperty("offset").GetInt64();
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // Being replaced: read it on the next look.
            }
        }
        return 0;
    }
}
