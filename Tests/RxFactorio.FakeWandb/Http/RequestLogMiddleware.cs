using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Http;

/// <summary>Records method, path, status, GraphQL operation name and any fault of every request. Never headers or bodies.</summary>
internal sealed class RequestLogMiddleware(FakeState state, TimeProvider timeProvider)
{
    public const string OperationNameKey = "fakewandb.operation";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var at = timeProvider.GetUtcNow();
        try
        {
            await next(context);
        }
        finally
        {
            var aborted = context.RequestAborted.IsCancellationRequested;
            state.Log(new FakeRequest(
                at,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                RequestKinds.Of(context.Request),
                aborted ? 0 : context.Response.StatusCode,
                context.Items.TryGetValue(OperationNameKey, out var op) ? op as string : null,
                aborted,
                context.Items.TryGetValue(FaultGate.PlanKey, out var plan) && plan is FaultPlan p ? p.Describe() : null));
        }
    }
}
