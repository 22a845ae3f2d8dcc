namespace RxFactorio.Wandb;

/// <summary>
/// Counts every attempt's outcome by status in <see cref="WandbCounters"/>. It sits inside the
/// resilience handler, so each retry is counted as the attempt it is.
/// </summary>
internal sealed class StatusCountingHandler(WandbCounters counters) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            counters.AddResponse(WandbCounters.StatusOf(null));
            throw;
        }
        counters.AddResponse(WandbCounters.StatusOf(response));
        return response;
    }
}
