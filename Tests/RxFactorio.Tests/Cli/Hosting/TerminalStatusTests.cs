using System.Text.RegularExpressions;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Hosting;

/// <summary>
/// The live status line and the replay progress bar as a terminal receives them: the built CLI
/// on a real pseudo-terminal (util-linux <c>script</c>), asserting on the raw bytes.
/// </summary>
public sealed partial class TerminalStatusTests
{
    private const string Erase = "\r\u001b[2K";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // freeplay.jsonl spans 598 s of game time: about 3 s at --speed 200, so the once-a-second
    // status is drawn at least once (usually twice) whatever the machine's load.
    private static string[] Replay(params string[] more) =>
        ["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl"), "--speed", "200", "--mode", "offline", .. more];

    [GeneratedRegex(@"\d\d:\d\d:\d\d (?:trce|dbug|info|warn|fail|crit)  ")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"^\[[#-]+\] +\d+%")]
    private static partial Regex ProgressBar();

    [Test]
    public async Task Replay_OnATerminal_RedrawsAProgressBar_AndNoLogLineIsGluedToIt()
    {
        await using var pty = PtyProcess.Start(Replay(), columns: 80);
        var (exitCode, screen) = await pty.WaitAsync(Timeout);

        Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
        var bars = Redraws(screen).Where(r => ProgressBar().IsMatch(r)).ToList();
        Assert.That(bars, Is.Not.Empty, PtyProcess.Printable(screen));
        Assert.That(bars, Has.All.Match(@" left · \d+\.\d ev/s").And.All.Contains(" KB / 734.1 KB"));
        Assert.That(bars.Select(b => b.Length), Has.All.LessThanOrEqualTo(79), "a line as wide as the terminal wraps, and erasing it leaves half");
        AssertEveryLogLineFollowsAnErase(screen);
        Assert.That(LogLine().Matches(screen).Count, Is.EqualTo(2), "run started and finished");
        AssertStartsOnACleanLine(screen, "1 run(s), 300 row(s), mode offline");
    }

    [Test]
    public async Task Replay_NarrowTerminal_ProgressBarStillFits()
    {
        await using var pty = PtyProcess.Start(Replay(), columns: 50);
        var (exitCode, screen) = await pty.WaitAsync(Timeout);

        Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
        var bars = Redraws(screen).Where(r => ProgressBar().IsMatch(r)).ToList();
        Assert.That(bars, Is.Not.Empty, PtyProcess.Printable(screen));
        Assert.That(bars.Select(b => b.Length), Has.All.LessThanOrEqualTo(49));
    }

    [Test]
    public async Task Replay_Quiet_DrawsNothing()
    {
        await using var pty = PtyProcess.Start(Replay("--quiet"));
        var (exitCode, screen) = await pty.WaitAsync(Timeout);

        Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
        AssertNoStatusLine(screen);
        Assert.That(LogLine().IsMatch(screen), Is.False, "--quiet keeps only warnings and errors");
        Assert.That(screen, Does.Contain("1 run(s), 300 row(s), mode offline"));
    }

    [Test]
    public async Task Replay_StderrRedirected_DrawsNothing_AndTheLogHasNoEscapes()
    {
        var log = Path.Combine(Path.GetTempPath(), $"rxf-pty-{Guid.NewGuid():N}.log");
        try
        {
            await using var pty = PtyProcess.Start(Replay(), redirects: "2>" + PtyProcess.Quote(log));
            var (exitCode, screen) = await pty.WaitAsync(Timeout);

            Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
            AssertNoStatusLine(screen);
            Assert.That(screen, Does.Contain("1 run(s), 300 row(s), mode offline"));
            var stderr = await File.ReadAllTextAsync(log);
            Assert.That(LogLine().Matches(stderr).Count, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.Not.Contain("\u001b").And.Not.Contain("\r"));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Test]
    public async Task Replay_StdoutRedirected_BarOnStderr_ErasedBeforeTheEnd()
    {
        var report = Path.Combine(Path.GetTempPath(), $"rxf-pty-{Guid.NewGuid():N}.txt");
        try
        {
            await using var pty = PtyProcess.Start(Replay(), redirects: ">" + PtyProcess.Quote(report));
            var (exitCode, screen) = await pty.WaitAsync(Timeout);

            Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
            Assert.That(Redraws(screen).Where(r => ProgressBar().IsMatch(r)), Is.Not.Empty, PtyProcess.Printable(screen));
            AssertEveryLogLineFollowsAnErase(screen);
            Assert.That(screen, Does.EndWith(Erase).Or.EndWith("\n"), "the shell prompt must not land after a bar");
            var stdout = await File.ReadAllTextAsync(report);
            Assert.That(stdout, Does.StartWith("1 run(s), 300 row(s), mode offline"));
            Assert.That(stdout, Does.Not.Contain("\u001b"));
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Test]
    public async Task Replay_DumbTerminal_DrawsNothing()
    {
        await using var pty = PtyProcess.Start(Replay(), term: "dumb");
        var (exitCode, screen) = await pty.WaitAsync(Timeout);

        Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
        AssertNoStatusLine(screen);
        Assert.That(LogLine().Matches(screen).Count, Is.EqualTo(2), PtyProcess.Printable(screen));
    }

    [Test]
    public async Task Replay_JsonLogs_DrawNoBar_EveryObjectOnItsOwnLine()
    {
        await using var pty = PtyProcess.Start(Replay("--log-format", "json"));
        var (exitCode, screen) = await pty.WaitAsync(Timeout);

        Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
        AssertNoStatusLine(screen);
        var json = screen.Split("\r\n").Where(l => l.Contains("\"Timestamp\"", StringComparison.Ordinal)).ToList();
        Assert.That(json, Has.Count.EqualTo(2));
        Assert.That(json.Select(l => l[l.IndexOf('{', StringComparison.Ordinal)..]), Has.All.StartWith("{\"Timestamp\"").And.All.EndWith("}"));
    }

    [Test]
    public async Task Run_OnATerminal_ShowsEventsRunsRowsRetriesRejected_AndStopsOnACleanLine()
    {
        var dir = Directory.CreateTempSubdirectory("rxf-pty-run-").FullName;
        try
        {
            var source = Path.Combine(dir, "events.jsonl");
            var lines = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(40).Append("{not json");
            await File.WriteAllLinesAsync(source, lines);
            await using var pty = PtyProcess.Start(["run", "--source", source, "--mode", "offline", "--batch-window", "1s"]);

            await pty.WaitUntilAsync(s => s.Contains(" ev/s · runs 1 · rows ", StringComparison.Ordinal) && s.Contains("rejected 1", StringComparison.Ordinal), "a status line with the run and the rejected line", Timeout);
            await pty.SignalAsync("TERM");
            var (exitCode, screen) = await pty.WaitAsync(Timeout);

            Assert.That(exitCode, Is.EqualTo(0), PtyProcess.Printable(screen));
            var status = Redraws(screen).Where(r => r.Contains(" ev/s · ", StringComparison.Ordinal)).ToList();
            Assert.That(status, Has.Some.Match(@"^\d+\.\d ev/s · runs 1 · rows \d+ sent, \d+ pending · retries 0 · rejected 1$"), PtyProcess.Printable(screen));
            Assert.That(status.Select(s => s.Length), Has.All.LessThanOrEqualTo(79));
            AssertEveryLogLineFollowsAnErase(screen);
            AssertStartsOnACleanLine(screen, "rxfactorio run: SIGTERM: stopping");
            AssertStartsOnACleanLine(screen, "1 run(s), ");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What was drawn after each erase, up to the next carriage return, newline or escape.</summary>
    private static IEnumerable<string> Redraws(string screen) =>
        screen.Split(Erase).Skip(1).Select(s => s[..IndexOfAnyOrEnd(s, '\r', '\n', '\u001b')]);

    private static int IndexOfAnyOrEnd(string text, params char[] any) => text.IndexOfAny(any) is var i and >= 0 ? i : text.Length;

    private static void AssertEveryLogLineFollowsAnErase(string screen)
    {
        foreach (Match line in LogLine().Matches(screen))
        {
            Assert.That(screen[..line.Index], Does.EndWith(Erase), $"log line at {line.Index} not preceded by an erase:\n{PtyProcess.Printable(screen)}");
        }
    }

    private static void AssertStartsOnACleanLine(string screen, string text)
    {
        var at = screen.IndexOf(text, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"'{text}' not on the terminal:\n{PtyProcess.Printable(screen)}");
        Assert.That(screen[..at], Does.EndWith(Erase).Or.EndWith("\n"), $"'{text}' glued to what came before:\n{PtyProcess.Printable(screen)}");
    }

    private static void AssertNoStatusLine(string screen)
    {
        Assert.That(screen, Does.Not.Contain("\u001b[2K"), PtyProcess.Printable(screen));
        Assert.That(screen, Does.Not.Contain(" ev/s"), PtyProcess.Printable(screen));
    }
}
