using Polly;

namespace RxFactorio.Wandb;

/// <summary>
/// Sends each request through the Polly pipeline its kind picks (<see cref="WandbResilience"/>): every
/// attempt is one <see cref="DelegatingHandler.SendAsync"/> of the same request, and the strategies find
/// the request in the <see cref="ResilienceContext"/> (<see cref="RequestOf"/>).
/// </summary>
/// <remarks>
/// Polly.Core's own pipeline in a plain handler, instead of Microsoft.Extensions.Http.Resilience's
/// <c>ResilienceHandler</c>: that one also attaches telemetry request metadata we never read, which loaded
/// five assemblies (Http.Resilience, Telemetry, Telemetry.Abstractions, Http.Diagnostics, ObjectPool) into
/// every online process, and its package brought twelve more into the build output.
/// </remarks>
internal sealed class ResiliencePipelineHandler(Func<HttpRequestMessage, ResiliencePipeline<HttpResponseMessage>> pipelineOf) : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("RxFactorio.Wandb.Request");

    /// <summary>The request an attempt sends, or null outside this handler.</summary>
    public static HttpRequestMessage? RequestOf(ResilienceContext context) =>
        context.Properties.TryGetValue(RequestKey, out var request) ? request : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            var outcome = await pipelineOf(request).ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    try
                    {
                        var response = await state.Handler.SendCoreAsync(state.Request, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
