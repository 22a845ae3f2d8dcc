using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxFactorio.Events;
using RxFactorio.FakeWandb;
using RxFactorio.Replay;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Tests.Sources;
using Microsoft.Extensions.Logging;
using RxFactorio.Wandb;
using RxFactorio.RunLog;
using RxFactorio.Tests.RunLog;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// One end-to-end rig per test: the real <see cref="FakeWandbServer"/> on 127.0.0.1, the sink the CLI
/// runs online (<see cref="RunLogSink"/>: run logs in a temporary directory, shipped by its shipper over a
/// real <see cref="SocketsHttpHandler"/> and the real Polly pipeline) pointed at it, and the run stage on
/// one <see cref="EventLoopScheduler"/>. Retries are fast (1‥10 ms), batch windows short (50 ms). A
/// replay returns once the shipper has delivered everything (as the CLI waits at the end). Nothing
/// sleeps: every wait is on completion or a condition with a deadline.
/// </summary>
internal sealed class EndToEndHarness : IAsyncDisposable
{
    /// <summary>The longest any pipeline may take before a test fails (never reached when green).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private EndToEndHarness(FakeWandbServer server, RunLogSink sink, TempDirectory directory, CapturingLoggerFactory clientLogs, CapturingLoggerFactory serverLogs)
    {
        Server = server;
        Sink = sink;
        Directory = directory;
        ClientLogs = clientLogs;
        ServerLogs = serverLogs;
    }

    public FakeWandbServer Server { get; }

    public RunLogSink Sink { get; }

    /// <summary>Where the run logs are.</summary>
    public TempDirectory Directory { get; }

    /// <summary>The W&amp;B client's counters.</summary>
    public WandbCounters Counters => Sink.Counters!;

    /// <summary>Everything the W&amp;B client logged (every level).</summary>
    public CapturingLoggerFactory ClientLogs { get; }

    /// <summary>Everything the fake server logged, when started with <c>captureServerLogs</c>.</summary>
    public CapturingLoggerFactory ServerLogs { get; }

    /// <summary>The run stage's scheduler: replay, grouping, batch windows and idle timeouts all run here.</summary>
    public EventLoopScheduler Loop { get; } = new(start => new Thread(start) { IsBackground = true, Name = "e2e-run-stage" });

    public static WandbOptions FastOptions(Uri baseUrl) => new()
    {
        BaseUrl = baseUrl,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(2),
    };

    public static RunOptions FastRuns(int maxBatchRows = 500, int seed = 1234) => new()
    {
        BatchWindow = TimeSpan.FromMilliseconds(50),
        MaxBatchRows = maxBatchRows,
        Random = new Random(seed),
    };

    /// <param name="change">Changes to the fast client options.</param>
    /// <param name="apiKey">The key the client sends; default the server's accepted key.</param>
    /// <param name="clientTime">The client's clock (heartbeats, retry waits, timeouts); default the system clock.</param>
    /// <param name="serverTime">The server's clock (request-log times, injected delays); default the system clock.</param>
    /// <param name="captureServerLogs">Capture the server's logs at every level.</param>
    /// <param name="shipping">Changes to the sink's options (rows per request, send window…).</param>
    public static async Task<EndToEndHarness> StartAsync(
        Func<WandbOptions, WandbOptions>? change = null,
        string? apiKey = null,
        TimeProvider? clientTime = null,
        TimeProvider? serverTime = null,
        bool captureServerLogs = false,
        Func<RunLogSinkOptions, RunLogSinkOptions>? shipping = null)
    {
        var serverLogs = new CapturingLoggerFactory();
        var server = await FakeWandbServer.StartAsync(new FakeWandbOptions
        {
            TimeProvider = serverTime ?? TimeProvider.System,
            ConfigureLogging = captureServerLogs
                ? logging => logging.AddProvider(serverLogs).SetMinimumLevel(LogLevel.Trace)
                : null,
        });
        var options = FastOptions(server.BaseUrl);
        options = change is null ? options : change(options);
        var clientLogs = new CapturingLoggerFactory();
        var directory = new TempDirectory();
        var sinkOptions = new RunLogSinkOptions { RootDirectory = directory.Path, SendWindow = TimeSpan.Zero, RetryFailedRunAfter = TimeSpan.FromMilliseconds(50) };
        var sink = new RunLogSink(
            shipping is null ? sinkOptions : shipping(sinkOptions),
            WandbConnection.Create(options, new WandbCredentials(apiKey ?? FakeWandbOptions.TestApiKey), clientLogs, clientTime),
            ownsConnection: true);
        return new EndToEndHarness(server, sink, directory, clientLogs, serverLogs);
    }

    /// <summary>
    /// Replays <paramref name="events"/> at max speed on <see cref="Loop"/> (subscribed there too, so
    /// every event is observed on the run stage's thread) through <c>ToRunCommands</c> (the session
    /// grace in game time, as the replay command counts it) and
    /// <c>SendTo</c>; waits until the shipper has delivered every log (as the CLI does at the end) and
    /// returns the commands in the order the sink carried them out.
    /// </summary>
    public async Task<IList<RunCommand>> ReplayAsync(IEnumerable<FactorioEvent> events, RunOptions? runs = null, IRunSink? sink = null)
    {
        var commands = await events.ReplayAt(ReplaySpeed.Max, Loop)
            .SubscribeOn(Loop)
            .ToRunCommands((runs ?? FastRuns()) with { GraceInGameTime = true }, Loop)
            .SendTo(sink ?? Sink)
            .ToList()
            .ToTask()
            .WaitAsync(Deadline);
        await DeliveredAsync();
        return commands;
    }

    /// <summary>Waits until every shipper sleeps (delivered, heartbeat timer set) and <paramref name="condition"/> holds.</summary>
    public Task IdleAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() => condition() && Sink.IsIdle, () => $"{what} (shippers idle: {Sink.IsIdle})");

    /// <summary>Waits until the shipper has delivered everything in the logs (or gave up, or failed).</summary>
    public Task DeliveredAsync() => Sink.CompleteAsync(Timeout.InfiniteTimeSpan).WaitAsync(Deadline);

    /// <summary>A live pipeline fed by hand: push events into <see cref="LivePipeline.Input"/>, complete it to shut down.</summary>
    public LivePipeline Live(RunOptions? runs = null)
    {
        var input = new Subject<FactorioEvent>();
        var delivered = new ConcurrentQueue<RunCommand>();
        var completion = input
            .ObserveOn(Loop)
            .ToRunCommands(runs ?? FastRuns(), Loop)
            .SendTo(Sink)
            .Do(delivered.Enqueue)
            .ToList()
            .ToTask();
        return new LivePipeline(input, delivered, completion, this);
    }

    public async ValueTask DisposeAsync()
    {
        await Sink.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Dispose();
        Loop.Dispose();
        ClientLogs.Dispose();
        ServerLogs.Dispose();
    }
}

/// <summary>A pipeline fed from a subject; <see cref="Delivered"/> holds each command once the sink has carried it out.</summary>
internal sealed record LivePipeline(Subject<FactorioEvent> Input, ConcurrentQueue<RunCommand> Delivered, Task<IList<RunCommand>> Completion, EndToEndHarness Rig)
{
    public void Push(params FactorioEvent[] events)
    {
        foreach (var e in events)
        {
            Input.OnNext(e);
        }
    }

    /// <summary>Waits until the sink has logged a batch holding <paramref name="step"/> and the shipper has delivered it.</summary>
    public Task DeliveredStepAsync(long step) => Wait.UntilAsync(
        () => Delivered.OfType<LogBatch>().Any(b => b.Rows.Any(r => r.Step == step)) && Rig.Sink.IsIdle,
        () => $"a delivered batch with step {step}; delivered: {string.Join(", ", Delivered.Select(Support.Describe.Command))}");

    /// <summary>Completes the input (the source ended) and waits for the pipeline to finish every run.</summary>
    public async Task<IList<RunCommand>> CompleteAsync()
    {
        Input.OnCompleted();
        var commands = await Wait.ForAsync(Completion, "the pipeline to complete", EndToEndHarness.Deadline);
        await Rig.DeliveredAsync();
        return commands;
    }
}
