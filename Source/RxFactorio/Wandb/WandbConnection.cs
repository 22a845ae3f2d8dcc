using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;

namespace RxFactorio.Wandb;

/// <summary>
/// One HTTP pipeline to one W&amp;B server, shared by all runs: <see cref="HttpClient"/> →
/// resilience handler (retries, timeouts) → <see cref="WandbAuthHandler"/> → the inner handler
/// (a <see cref="SocketsHttpHandler"/>, or a test's fake), with a source-generated Refit client on top; each attempt
/// first takes a turn from the connection's one <see cref="RateBudget"/>, shared by all its runs.
/// Run files go to the upload URLs CreateRunFiles hands out through a second pipeline WITHOUT
/// <see cref="WandbAuthHandler"/> (resilience → the inner handler): those URLs are cloud storage, and the
/// key must never reach them (core/internal/filetransfer/file_transfer_default.go sends only the URL's own headers).
/// Point it at any server with <see cref="WandbOptions.BaseUrl"/>.
/// </summary>
public sealed partial class WandbConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpClient _uploads;
    private readonly IWandbApi _api;
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;
    private readonly RetryWaitCutoff _cutoff;
    private readonly RateBudget _budget;

    private WandbConnection(WandbOptions options, HttpClient http, HttpClient uploads, ILoggerFactory loggerFactory, TimeProvider time, SecretRedactor redactor, RetryWaitCutoff cutoff, RateBudget budget)
    {
        _budget = budget;
        _uploads = uploads;
        _redactor = redactor;
        _cutoff = cutoff;
        Options = options;
        _http = http;
        LoggerFactory = loggerFactory;
        TimeProvider = time;
        _logger = loggerFactory.CreateLogger("RxFactorio.Wandb");
        _api = RestService.ForGenerated<IWandbApi>(http, WandbRefit.CreateRefitSettings());
    }

    /// <summary>The validated options.</summary>
    public WandbOptions Options { get; }

    /// <summary>The clock for heartbeats, retry waits and timeouts.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Where loggers come from.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Builds the HTTP pipeline without dependency injection.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="credentials">The API key.</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>. Tests pass a <c>FakeTimeProvider</c>.</param>
    /// <param name="innerHandler">The innermost handler; default a <see cref="SocketsHttpHandler"/>. Tests pass a fake.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static WandbConnection Create(
        WandbOptions options,
        WandbCredentials credentials,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? innerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        var auth = new WandbAuthHandler(options.BaseUrl, credentials, options.UserAgent)
        {
            InnerHandler = innerHandler ?? NewSocketsHandler(),
        };
        var redactor = new SecretRedactor(credentials);
        var cutoff = new RetryWaitCutoff(timeProvider);
        // NOTE: one budget for every request to this server (W&B limits per project, not per run); uploads go to cloud storage, outside it.
        var budget = new RateBudget(timeProvider, cutoff, loggerFactory.CreateLogger("RxFactorio.Wandb.RateBudget"), options.MaxRetryAfter);
        var resilience = WandbResilience.CreateHandler(options, timeProvider, loggerFactory.CreateLogger("RxFactorio.Wandb.Retry"), redactor, cutoff, budget);
        resilience.InnerHandler = new StatusCountingHandler { InnerHandler = auth };
        var http = new HttpClient(resilience, disposeHandler: true)
        {
            BaseAddress = new Uri(options.BaseUrl.ToString().TrimEnd('/')),
            // NOTE: attempt and total timeouts live in the resilience pipeline (on the TimeProvider).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // NOTE: uploads go to the storage host of each upload URL: retried like W&B requests, but never through the auth handler.
        var uploadResilience = WandbResilience.CreateHandler(options, timeProvider, loggerFactory.CreateLogger("RxFactorio.Wandb.Retry"), redactor, cutoff, budget: null);
        uploadResilience.InnerHandler = new StatusCountingHandler { InnerHandler = innerHandler ?? NewSocketsHandler() };
        var uploads = new HttpClient(uploadResilience, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        uploads.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
        return new WandbConnection(options, http, uploads, loggerFactory, timeProvider, redactor, cutoff, budget);
    }

    private static SocketsHttpHandler NewSocketsHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    };

    /// <summary>A client for one run; call <see cref="WandbRunClient.StartAsync"/> first.</summary>
    /// <param name="run">The run.</param>
    /// <param name="telemetry">The run record's telemetry; with it the config carries <c>_wandb</c>.</param>
    /// <param name="metrics">The run's metric definitions for <c>_wandb.m</c>.</param>
    internal WandbRunClient CreateRunClient(RunInfo run, RunLog.Proto.TelemetryRecord? telemetry = null, RunMetricDefinitions? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new WandbRunClient(this, run, telemetry, metrics);
    }

    /// <summary>Checks the key with the <c>Viewer</c> query and returns the account's default entity.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="WandbAuthenticationException">The key is not accepted (401/403, or a null viewer).</exception>
    /// <exception cref="WandbRequestException">The request failed.</exception>
    public async Task<WandbViewer> ViewerAsync(CancellationToken cancellationToken = default)
    {
        const string operation = "Viewer";
        RxFactorioMeter.HttpRequests.Add(1);
        var request = new GraphQlRequest<NoVariables>(WandbQueries.Viewer, new NoVariables(), operation);
        var response = await Call(() => _api.ViewerAsync(request, WandbRequestKind.GraphQl, operation, cancellationToken), operation, null, null, cancellationToken).ConfigureAwait(false);
        var data = EnsureGraphQl(response, operation, null, null);
        var viewer = data.Viewer
            ?? throw new WandbAuthenticationException(operation, Options.NetLocation, Options.Entity, Options.Project, System.Net.HttpStatusCode.Unauthorized,
                "invalid credentials: the server did not recognize an account for this API key");
        return new WandbViewer(viewer.Id, viewer.Entity, viewer.Username);
    }

    /// <summary>
    /// Shutdown has begun and must be over by <paramref name="deadline"/> (on <see cref="TimeProvider"/>):
    /// from now on a retry wait (backoff or <c>Retry-After</c>) that would end later is not waited, and
    /// one that is running is cut short; its request fails at once with a <see cref="WandbRequestException"/>
    /// saying so. Waits that end in time, and attempts in flight, run as usual. A later call can only
    /// bring the deadline forward.
    /// </summary>
    /// <param name="deadline">When shutdown must be over.</param>
    public void CutRetryWaitsAt(DateTimeOffset deadline) => _cutoff.CutAt(deadline);

    /// <summary>Cancelled once a retry wait was cut for the shutdown deadline: waiting for delivery any longer is pointless.</summary>
    public CancellationToken RetryWaitCut => _cutoff.Cut;

    /// <inheritdoc/>
    public void Dispose()
    {
        _http.Dispose();
        _uploads.Dispose();
        _budget.Dispose();
    }

    internal ILogger Logger => _logger;
}

/// <summary>The account an API key belongs to.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Entity">The default entity (runs go here when <see cref="WandbOptions.Entity"/> is null).</param>
/// <param name="Username">The user name.</param>
public sealed record WandbViewer(string? Id, string? Entity, string? Username);
