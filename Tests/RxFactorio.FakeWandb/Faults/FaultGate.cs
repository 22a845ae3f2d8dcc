using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;

namespace RxFactorio.FakeWandb.Faults;

/// <summary>Endpoints pass their result through here: with a pending drop-after-store the data is already stored, and the connection is aborted instead of answering.</summary>
internal static class FaultGate
{
    public const string PlanKey = "fakewandb.faultplan";

    public static IResult AfterHandled(HttpContext context, IResult result)
    {
        if (context.Items.TryGetValue(PlanKey, out var value) && value is FaultPlan { Drop: DropTiming.AfterStore })
        {
            RequestLogMiddleware.AbortAndLog(context);
            return Results.Empty;
        }

        return result;
    }
}
