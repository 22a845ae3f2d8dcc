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

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// One end-to-end rig per test: the real <see cref="FakeWandbServer"/> on 127.0.0.1, the real
/// <see cref="WandbRunSink"/> (real <see cref="SocketsHttpHandler"/>, real Polly pipeline) pointed at
/// it, and the run stage on one <see cref="EventLoopScheduler"/>. Retries are fast (1‥10 ms), batch
/// windows short (50 ms). Nothing sleeps: every wait is on completion or a condition with a deadline.
/// </summary>
internal sealed class EndToEndHarness : IAsyncDisposable
{
    /// <summary>The longest any pipeline may take before a test fails (never reached when green).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private EndToEndHarness(FakeWandbServer server, WandbRunSink sink, CapturingLoggerFactory clientLogs, CapturingLoggerFactory serverLogs)
    {
        Server = server;
        Sink = sink;
        ClientLogs = clientLogs;
        ServerLogs = serverLogs;
    }

    public FakeWandbServer Server { get; }

    public WandbRunSink Sink { get; }

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
    public static async Task<EndToEndHarness> StartAsync(
        Func<WandbOptions, WandbOptions>? change = null,
        string? apiKey = null,
        TimeProvider? clientTime = null,
        TimeProvider? serverTime = null,
        bool captureServerLogs = false)
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
        var sink = WandbRunSink.Create(options, apiKey ?? FakeWandbOptions.TestApiKey, clientLogs, clientTime);
        return new EndToEndHarness(server, sink, clientLogs, serverLogs);
    }

    /// <summary>
    /// Replays <paramref name="events"/> at max speed on <see cref="Loop"/> (subscribed there too, so
    /// every event is observed on the run stage's thread) through <c>ToRunCommands</c> and
    /// <c>SendTo</c>; returns the commands in the order the sink carried them out.
    /// </summary>
    public Task<IList<RunCommand>> ReplayAsync(IEnumerable<FactorioEvent> events, RunOptions? runs = null, IRunSink? sink = null) =>
        events.ReplayAt(ReplaySpeed.Max, Loop)
            .SubscribeOn(Loop)
            .ToRunCommands(runs ?? FastRuns(), Loop)
            .SendTo(sink ?? Sink)
            .ToList()
            .ToTask()
            .WaitAsync(Deadline);

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
        return new LivePipeline(input, delivered, completion);
    }

    public async ValueTask DisposeAsync()
    {
        await Sink.DisposeAsync();
        await Server.DisposeAsync();
        Loop.Dispose();
        ClientLogs.Dispose();
        ServerLogs.Dispose();
    }
}

/// <summary>A pipeline fed from a subject; <see cref="Delivered"/> holds each command once the sink has carried it out.</summary>
internal sealed record LivePipeline(Subject<FactorioEvent> Input, ConcurrentQueue<RunCommand> Delivered, Task<IList<RunCommand>> Completion)
{
    public void Push(params FactorioEvent[] events)
    {
        foreach (var e in events)
        {
            Input.OnNext(e);
        }
    }

    /// <summary>Waits until the sink has carried out a batch holding <paramref name="step"/>.</summary>
    public Task DeliveredStepAsync(long step) => Wait.UntilAsync(
        () => Delivered.OfType<LogBatch>().Any(b => b.Rows.Any(r => r.Step == step)),
        () => $"a delivered batch with step {step}; delivered: {string.Join(", ", Delivered.Select(Support.Describe.Command))}");

    /// <summary>Completes the input (the source ended) and waits for the pipeline to finish every run.</summary>
    public async Task<IList<RunCommand>> CompleteAsync()
    {
        Input.OnCompleted();
        return await Wait.ForAsync(Completion, "the pipeline to complete", EndToEndHarness.Deadline);
    }
}
