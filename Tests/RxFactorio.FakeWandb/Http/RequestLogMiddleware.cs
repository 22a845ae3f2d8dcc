using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Http;

/// <summary>
/// Records method, path, status, GraphQL operation name and any fault of every request. Never headers or bodies.
/// The entry is written before the first response byte (OnStarting) or before an injected abort, so a test that
/// has seen the response (or the transport error) always finds the entry.
/// </summary>
internal sealed class RequestLogMiddleware(FakeState state, TimeProvider timeProvider)
{
    public const string OperationNameKey = "fakewandb.operation";
    private const string WriterKey = "fakewandb.logwriter";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var at = timeProvider.GetUtcNow();
        var logged = 0;
        void Write(bool aborted)
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                state.Log(Entry(context, at, aborted));
            }
        }

        context.Items[WriterKey] = (Action<bool>)Write;
        context.Response.OnStarting(() =>
        {
            Write(aborted: false);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            Write(context.RequestAborted.IsCancellationRequested);
        }
    }

    /// <summary>Logs the request as aborted, then aborts the connection.</summary>
    public static void AbortAndLog(HttpContext context)
    {
        if (context.Items.TryGetValue(WriterKey, out var writer) && writer is Action<bool> write)
        {
            write(true);
        }

        context.Abort();
    }

    private static FakeRequest Entry(HttpContext context, DateTimeOffset at, bool aborted) => new(
        at,
        context.Request.Method,
        context.Request.Path.Value ?? "",
        RequestKinds.Of(context.Request),
        aborted ? 0 : context.Response.StatusCode,
        context.Items.TryGetValue(OperationNameKey, out var op) ? op as string : null,
        aborted,
        context.Items.TryGetValue(FaultGate.PlanKey, out var plan) && plan is FaultPlan p ? p.Describe() : null);
}
