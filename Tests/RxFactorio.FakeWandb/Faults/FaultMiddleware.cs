using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Faults;

/// <summary>Applies the queued faults to protocol requests. Drop-after-store is finished by <see cref="FaultGate"/>.</summary>
internal sealed class FaultMiddleware(FaultInjector faults, CounterSet counters, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var kind = RequestKinds.Of(context.Request);
        var plan = kind == RequestKind.Control ? FaultPlan.None : faults.Take(kind, timeProvider.GetUtcNow());
        if (plan.IsEmpty)
        {
            await next(context);
            return;
        }

        counters.Fault();
        context.Items[FaultGate.PlanKey] = plan;

        if (plan.Delay is { } delay)
        {
            var wait = Task.Delay(delay, timeProvider, context.RequestAborted);
            faults.OnDelayStarted(delay);
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (plan.Status is { } status)
        {
            if (status.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = status.RetryAfter;
            }

            if (status.RateLimitReset is not null)
            {
                context.Response.Headers["RateLimit-Remaining"] = "0";
                context.Response.Headers["RateLimit-Reset"] = status.RateLimitReset;
            }

            var message = status.EchoCredentials ? EchoOf(context.Request) : $"injected fault: HTTP {status.StatusCode}";
            await JsonResults.For(kind, status.StatusCode, message).ExecuteAsync(context);
            return;
        }

        if (plan.Drop == DropTiming.BeforeStore)
        {
            RequestLogMiddleware.AbortAndLog(context);
            return;
        }

        await next(context);
    }

    private static string EchoOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var key = "";
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                key = decoded.StartsWith("api:", StringComparison.Ordinal) ? decoded["api:".Length..] : decoded;
            }
            catch (FormatException)
            {
            }
        }
        return $"invalid credentials. Request headers: Authorization: {authorization}; "
            + $"as a query: ?auth={Uri.EscapeDataString(authorization)}; api key {key} (url: {Uri.EscapeDataString(key)})";
    }
}
