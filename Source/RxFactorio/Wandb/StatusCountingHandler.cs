using System.Globalization;
using RxFactorio.Diagnostics;

namespace RxFactorio.Wandb;

/// <summary>
/// Counts every attempt's outcome by status on <see cref="RxFactorioMeter"/> (<c>rxfactorio.http.attempts</c>).
/// It sits inside the resilience handler, so each retry is counted as the attempt it is.
/// </summary>
internal sealed class StatusCountingHandler : DelegatingHandler
{
    /// <summary>The label of an attempt's outcome: its status code, or <c>"error"</c> without a response (refused, reset, timed out).</summary>
    internal static string StatusOf(HttpResponseMessage? response) =>
        response is null ? "error" : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RxFactorioMeter.AddAttempt(StatusOf(null));
            throw;
        }
        RxFactorioMeter.AddAttempt(StatusOf(response));
        return response;
    }
}
