using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxFactorio.FakeWandb.Endpoints;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb;

/// <summary>A W&amp;B-protocol HTTP server on 127.0.0.1 for tests and demos. Start with <see cref="StartAsync"/>.</summary>
public sealed class FakeWandbServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeWandbServer(WebApplication app, FakeWandbOptions options, FakeState state, FaultInjector faults, Uri baseUrl, Uri uploadUrl)
    {
        UploadUrl = uploadUrl;
        _app = app;
        Options = options;
        State = state;
        Faults = faults;
        BaseUrl = baseUrl;
    }

    /// <summary>http://127.0.0.1:{port} — what WANDB_BASE_URL should be (no trailing slash in the string form).</summary>
    public Uri BaseUrl { get; }

    /// <summary>http://127.0.0.1:{another port}: the storage the upload URLs of CreateRunFiles point at (refuses W&amp;B credentials).</summary>
    public Uri UploadUrl { get; }

    public FakeWandbOptions Options { get; }

    public FakeState State { get; }

    public FaultInjector Faults { get; }

    /// <summary>The first accepted API key.</summary>
    public string ApiKey => Options.EffectiveApiKeys.Keys.First();

    public static async Task<FakeWandbServer> StartAsync(FakeWandbOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeWandbOptions();
        var state = new FakeState();
        var faults = new FaultInjector();
        var uploads = new UploadEndpoint(state, options);
        var (app, main, storage) = Build(options, state, faults, uploads);
        await app.StartAsync(cancellationToken);
        var baseUrl = new Uri($"http://127.0.0.1:{main.IPEndPoint!.Port}");
        uploads.BaseUrl = new Uri($"http://127.0.0.1:{storage.IPEndPoint!.Port}");
        return new FakeWandbServer(app, options, state, faults, baseUrl, uploads.BaseUrl);
    }

    /// <summary>Basic auth header value the client sends for a key: base64("api:" + key) (docs/wandb-protocol.md §1).</summary>
    public static AuthenticationHeaderValue AuthorizationFor(string apiKey) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + apiKey)));

    /// <summary>An HttpClient on <see cref="BaseUrl"/>, authenticated with <paramref name="apiKey"/> (default <see cref="ApiKey"/>; pass "" for none).</summary>
    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        apiKey ??= ApiKey;
        if (apiKey.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = AuthorizationFor(apiKey);
        }

        return client;
    }

    /// <summary>Makes file_stream answer "stopped": true for the run, as when a user presses Stop in the UI.</summary>
    public void MarkStopped(RunKey run, bool stopped = true) => State.MarkStopped(run, stopped);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static (WebApplication App, ListenOptions Main, ListenOptions Storage) Build(FakeWandbOptions options, FakeState state, FaultInjector faults, UploadEndpoint uploads)
    {
        ListenOptions? main = null, storage = null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeWandbServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => main = listen);
            kestrel.Listen(IPAddress.Loopback, 0, listen => storage = listen);

            // Our own limit answers 413 (docs/wandb-protocol.md §3/§8); Kestrel's must not cut in first.
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBytes, 1 << 20) * 2;
        });

        var app = builder.Build();

        // The storage port serves uploads only, before anything else (no request log, no faults, no W&B endpoints).
        app.Use((HttpContext context, RequestDelegate next) =>
            context.Connection.LocalPort == uploads.Port ? uploads.HandleAsync(context) : next(context));
        var auth = new ApiKeyAuthenticator(options.EffectiveApiKeys);
        var requestLog = new RequestLogMiddleware(state, options.TimeProvider);
        var faultMiddleware = new FaultMiddleware(faults, state.CounterSet, options.TimeProvider);
        app.Use(requestLog.InvokeAsync);
        app.Use(faultMiddleware.InvokeAsync);

        var graphql = new GraphqlEndpoint(state, options, auth, uploads);
        var fileStream = new FileStreamEndpoint(state, options, auth);
        // Typed as Func so MapPost takes the Delegate overload and writes the IResult (a bare HttpContext lambda binds to RequestDelegate).
        Func<HttpContext, Task<IResult>> postGraphql = async c => FaultGate.AfterHandled(c, await graphql.HandleAsync(c));
        Func<HttpContext, Task<IResult>> postFileStream = async c => FaultGate.AfterHandled(c, await fileStream.HandleAsync(c));
        Func<HttpContext, Task<IResult>> postFaults = c => FaultsEndpoint.PostAsync(c, faults, options.TimeProvider);
        Func<HttpContext, Task<IResult>> postStop = c => StopEndpoint.PostAsync(c, state, options);
        app.MapPost("/graphql", postGraphql);
        app.MapPost("/files/{entity}/{project}/{run}/file_stream", postFileStream);
        app.MapGet("/runs", () => RunsEndpoint.Handle(state));
        app.MapGet("/runs/history", () => HistoryArrivalsEndpoint.Handle(state));
        app.MapPost("/_fake/faults", postFaults);
        app.MapDelete("/_fake/faults", () => FaultsEndpoint.Delete(faults));
        app.MapPost("/_fake/stop", postStop);
        return (app, main!, storage!);
    }
}
