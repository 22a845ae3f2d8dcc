using System.Diagnostics;
using System.Globalization;
using RxFactorio.FakeWandb;
using RxFactorio.FakeWandb.State;
using RxFactorio.RunLog;
using RxFactorio.Tests.EndToEnd;
using RxFactorio.Tests.Sources;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Recovery;

/// <summary>
/// Crash recovery with the real host as a child process: <c>kill -9</c> at random moments while
/// the game appends, restart, and the server ends with every row exactly once, under one run id.
/// </summary>
[NonParallelizable]
public sealed class KillAndRestartTests
{
    private const string Session = "freeplay_120000";
    private const int FirstCycle = 1000;
    private const int Cycles = 2000;
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-kill-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Environment(FakeWandbServer server) => new()
    {
        ["WANDB_BASE_URL"] = server.BaseUrl.ToString().TrimEnd('/'),
        ["WANDB_API_KEY"] = server.ApiKey,
        ["WANDB_DIR"] = _dir,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["NETRC"] = "/nonexistent/netrc",
    };

    private static string SessionOf(int game) => game == 0 ? Session : $"{Session}_{game}";

    private static string StatsLine(long cycle, int game = 0) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"type":"stats","session_id":"{{{SessionOf(game)}}}","cycle":{{{cycle}}},"tick":{{{cycle * 120}}},"products_production":{"iron-plate":{{{cycle + 0.5}}}},"materials_consumption":{"iron-ore":{{{(2 * cycle) + 0.25}}}}}""");

    /// <param name="games">Sessions interleaved line by line in the file (several games on one source): one run each.</param>
    [TestCase(1)]
    [TestCase(3)]
    public async Task RunOnATailedFile_KilledFiveTimesAtRandomMoments_DeliversEveryRowExactlyOnce_UnderOneRunIdPerSession(int games)
    {
        // The same number of lines whatever the games: each game plays its share of the cycles.
        var cycles = Cycles / games;
        // A fresh seed each run, logged; RXF_KILL_SEED=<seed> replays one.
        var seed = int.TryParse(System.Environment.GetEnvironmentVariable("RXF_KILL_SEED"), out var given) ? given : TestContext.CurrentContext.Random.Next();
        TestContext.Out.WriteLine($"kill test seed: {seed}");
        var random = new Random(seed);
        await using var server = await FakeWandbServer.StartAsync();
        var source = Path.Combine(_dir, "events.jsonl");
        var written = 0;
        using var stopWriting = new CancellationTokenSource();
        var pace = new Random(seed + 1);
        // NOTE: the writer appends only up to an allowance the kill loop raises for each child, so
        // that on a loaded machine (where five child start-ups can outlast the whole file) every
        // kill still comes while lines are being appended: each child gets new lines to take, and
        // the five kills together can release at most 5 * 370 lines, fewer than Cycles.
        var allowance = 0;
        var writer = Task.Run(async () =>
        {
            await using var file = new FileStream(source, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await using var text = new StreamWriter(file) { AutoFlush = true };
            for (var game = 0; game < games; game++)
            {
                await text.WriteLineAsync($$"""{"type":"session_init","session_id":"{{SessionOf(game)}}","tick":{{FirstCycle * 120}},"level_name":"freeplay"}""");
            }
            for (var line = 0; line < cycles * games; line++)
            {
                while (line >= Volatile.Read(ref allowance))
                {
                    await Task.Delay(2, stopWriting.Token);
                }
                await text.WriteLineAsync(StatsLine(FirstCycle + (line / games), line % games));
                Interlocked.Increment(ref written);
                // The game's pace (scaled down): a stats line every few milliseconds.
                await Task.Delay(pace.Next(4, 12), stopWriting.Token);
            }
        });

        string[] args = ["run", "--source", source, "--mode", "online", "--batch-window", "100ms"];
        var log = new List<string>();
        for (var kill = 0; kill < 5; kill++)
        {
            var before = CheckpointWrittenAt();
            var child = Child.Start(args, Environment(server));
            Volatile.Write(ref allowance, Volatile.Read(ref written) + 200);
            // Each kill comes once this process has taken lines into its run log, after a random number of further lines.
            await Wait.UntilAsync(() => CheckpointWrittenAt() > before || writer.IsCompleted, () => $"a checkpoint from child {kill + 1}\n{child.Error}", TimeSpan.FromSeconds(60));
            var target = Volatile.Read(ref written) + random.Next(20, 120);
            Volatile.Write(ref allowance, target + 50);
            await Wait.UntilAsync(() => Volatile.Read(ref written) >= target || writer.IsCompleted, () => $"the writer to reach line {target}", TimeSpan.FromSeconds(60));
            log.Add($"kill {kill + 1} at line {Volatile.Read(ref written)}, server rows {server.State.Runs.Sum(r => r.LineCount(FakeFileNames.History))}");
            await child.KillAsync();
        }
        Assert.That(writer.IsCompleted, Is.False, "every kill happened while lines were being appended");
        Volatile.Write(ref allowance, int.MaxValue);
        var last = Child.Start(args, Environment(server));
        await Wait.ForAsync(writer, "the writer", TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(() => server.State.Runs.Sum(r => r.LineCount(FakeFileNames.History)) >= cycles * games,
            () => $"every row on the server ({server.State.Runs.Sum(r => r.LineCount(FakeFileNames.History))} of {cycles * games}); {string.Join("; ", log)}\n{last.Error}",
            TimeSpan.FromSeconds(60));
        var (exitCode, output, error) = await last.TerminateAsync();
        TestContext.Out.WriteLine(string.Join("\n", log));

        Assert.That(exitCode, Is.EqualTo(0), output + error);
        Assert.That(server.State.Runs, Has.Count.EqualTo(games), "one run per session, continued across restarts");
        foreach (var run in server.State.Runs)
        {
            ServerView.AssertHistoryExactlyOnce(run, FirstCycle, cycles);
        }
        Assert.Multiple(() =>
        {
            foreach (var run in server.State.Runs)
            {
                Assert.That(run.HistoryRows().Select(r => ServerView.Number(r, "production/iron-plate")),
                    Is.EqualTo(Enumerable.Range(FirstCycle, cycles).Select(c => c + 0.5)), "each row's values are its own");
                Assert.That((run.Complete, run.ExitCode), Is.EqualTo((true, (int?)0)), "finished by the SIGTERM");
            }
            Assert.That(Directory.GetDirectories(Path.Combine(_dir, "wandb"), "run-*"), Has.Length.EqualTo(games), "one run log per session, continued across restarts");
            Assert.That(Directory.GetFiles(Path.Combine(_dir, "wandb", "checkpoints")).Select(Path.GetFileName),
                Has.All.Match("^[0-9a-f]{32}\\.json$"), "checkpoint names are hashes");
        });
    }

    [Test]
    public async Task ReplayKilled_ThenSync_DeliversAndFinishesWhatReachedTheLog()
    {
        await using var server = await FakeWandbServer.StartAsync();
        var recording = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");
        var child = Child.Start(["replay", "--speed", "40", "--batch-window", "100ms", recording], Environment(server));
        var wandb = Path.Combine(_dir, "wandb");
        await Wait.UntilAsync(() => LoggedRows(wandb) >= 40, () => $"rows in the run log ({LoggedRows(wandb)})\n{child.Error}", TimeSpan.FromSeconds(60));
        await child.KillAsync();
        var logs = Directory.GetDirectories(wandb, "run-*").Select(d => Directory.GetFiles(d, "run-*.wandb").Single()).ToList();
        var inLogs = logs.Select(RunLogReader.Read).ToList();
        Assert.That(inLogs.Any(c => !c.IsFinished), Is.True, "the kill left an unfinished run");

        var sync = await CliProcess.RunAsync(["sync"], Environment(server));

        Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Output + sync.Error);
        foreach (var contents in inLogs)
        {
            var run = server.State.GetRun(contents.RunId!);
            ServerView.AssertHistoryExactlyOnce(run, contents.History[0].Step, contents.History.Count);
            Assert.That((run.Complete, run.ExitCode), Is.EqualTo((true, (int?)0)), $"run {run.Name} finished by sync");
        }
    }

    [Test]
    public async Task Replay_DirUnderAFile_FailsAtOnceNamingThePath()
    {
        await using var server = await FakeWandbServer.StartAsync();
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var environment = Environment(server);
        environment["WANDB_DIR"] = blocker;

        // NOTE: "no spinning" is that it exits by itself (RunAsync fails the test if it does not), naming the path once.
        var result = await CliProcess.RunAsync(["replay", Parse.RepoFile("samples", "recordings", "freeplay.jsonl")], environment, TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(result.Error, Does.Contain(blocker));
        Assert.That(result.Error.Split('\n').Count(l => l.StartsWith("rxfactorio replay:", StringComparison.Ordinal)), Is.EqualTo(1), result.Error);
    }

    private DateTime CheckpointWrittenAt()
    {
        var folder = Path.Combine(_dir, "wandb", "checkpoints");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json").Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max() : default;
    }

    private static int LoggedRows(string wandb)
    {
        if (!Directory.Exists(wandb))
        {
            return 0;
        }
        var rows = 0;
        foreach (var folder in Directory.GetDirectories(wandb, "run-*"))
        {
            foreach (var file in Directory.GetFiles(folder, "run-*.wandb"))
            {
                try
                {
                    rows += RunLogReader.Read(file).History.Count;
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    // Being created: counted on the next look.
                }
            }
        }
        return rows;
    }

    /// <summary>A long-running <c>rxfactorio</c> child process that a test kills (SIGKILL) or stops (SIGTERM).</summary>
    private sealed class Child
    {
        private readonly Process _process;
        private readonly Task<string> _output;
        private readonly System.Text.StringBuilder _error = new();

        private Child(Process process)
        {
            _process = process;
            _output = process.StandardOutput.ReadToEndAsync();
            process.ErrorDataReceived += (_, e) =>
            {
                lock (_error)
                {
                    _error.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
        }

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        public static Child Start(IEnumerable<string> args, IDictionary<string, string?> environment)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Parse.RepoFile(),
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rxfactorio.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start rxfactorio");
            process.StandardInput.Close();
            return new Child(process);
        }

        /// <summary>SIGKILL: no cleanup of any kind.</summary>
        public async Task KillAsync()
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _process.Dispose();
        }

        /// <summary>SIGTERM, then waits for a clean exit.</summary>
        public async Task<(int ExitCode, string Output, string Error)> TerminateAsync()
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.That(term.ExitCode, Is.Zero, "kill -TERM");
            }
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                _process.Kill();
                Assert.Fail($"rxfactorio did not stop on SIGTERM.\n{Error}");
            }
            var result = (_process.ExitCode, await _output, Error);
            _process.Dispose();
            return result;
        }
    }
}
