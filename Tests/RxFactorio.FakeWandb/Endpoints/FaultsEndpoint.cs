using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Faults;
using RxFactorio.FakeWandb.Http;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>
/// POST /_fake/faults queues faults over HTTP, so a child process can be driven too. Body: one object or an array of:
/// <code>
/// {"type":"status","scope":"file_stream","statuses":[500,500,429],"retryAfter":"1"}
/// {"type":"status","scope":"graphql","status":503,"count":2}
/// {"type":"delay","scope":"any","delayMs":1500,"count":1}
/// {"type":"drop","scope":"file_stream","when":"after_store","count":1}   (or "before_store")
/// {"type":"refuse","scope":"file_stream","forMs":3000,"retryAfter":"0.5"}  (429 for a period; without retryAfter: RateLimit-Remaining 0 and RateLimit-Reset)
/// </code>
/// scope: "any" (default), "graphql", "file_stream". DELETE /_fake/faults clears the queues.
/// </summary>
internal static class FaultsEndpoint
{
    public static async Task<IResult> PostAsync(HttpContext context, FaultInjector faults, TimeProvider time)
    {
        var (body, status, error) = await JsonBody.ReadAsync(context.Request, 1 << 20);
        if (error is not null)
        {
            return JsonResults.Plain(status, error);
        }

        var items = body switch
        {
            JsonArray array => array.ToList(),
            JsonObject single => [single],
            _ => [],
        };
        if (items.Count == 0)
        {
            return JsonResults.Plain(StatusCodes.Status400BadRequest, "expected a fault object or an array of them");
        }

        try
        {
            foreach (var item in items)
            {
                Enqueue(faults, time, item as JsonObject ?? throw new FormatException("each fault must be an object"));
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException or ArgumentException)
        {
            return JsonResults.Plain(StatusCodes.Status400BadRequest, e.Message);
        }

        return JsonResults.Json(new JsonObject { ["pending"] = faults.PendingCount });
    }

    public static IResult Delete(FaultInjector faults)
    {
        faults.Clear();
        return JsonResults.Json(new JsonObject { ["pending"] = 0 });
    }

    private static void Enqueue(FaultInjector faults, TimeProvider time, JsonObject fault)
    {
        var scope = ParseScope(fault["scope"]?.GetValue<string>());
        var count = fault["count"]?.GetValue<int>() ?? 1;
        switch (fault["type"]?.GetValue<string>())
        {
            case "status":
                var retryAfter = fault["retryAfter"]?.GetValue<string>();
                var statuses = fault["statuses"] is JsonArray list
                    ? list.Select(s => s!.GetValue<int>()).ToList()
                    : Enumerable.Repeat(fault["status"]?.GetValue<int>() ?? throw new FormatException("status fault needs 'status' or 'statuses'"), count).ToList();
                faults.FailNext(scope, statuses, retryAfter);
                break;
            case "delay":
                var ms = fault["delayMs"]?.GetValue<double>() ?? throw new FormatException("delay fault needs 'delayMs'");
                faults.DelayNext(scope, TimeSpan.FromMilliseconds(ms), count);
                break;
            case "drop":
                var timing = fault["when"]?.GetValue<string>() switch
                {
                    "before_store" or "beforeStore" => DropTiming.BeforeStore,
                    "after_store" or "afterStore" => DropTiming.AfterStore,
                    var w => throw new FormatException($"drop 'when' must be before_store or after_store, not '{w}'"),
                };
                faults.DropNext(scope, timing, count);
                break;
            case "refuse":
                var period = fault["forMs"]?.GetValue<double>() ?? throw new FormatException("refuse fault needs 'forMs'");
                faults.RefuseFor(scope, time, TimeSpan.FromMilliseconds(period), fault["retryAfter"]?.GetValue<string>());
                break;
            default:
                throw new FormatException("fault 'type' must be status, delay, drop or refuse");
        }
    }

    private static FaultScope ParseScope(string? scope) => scope switch
    {
        null or "any" => FaultScope.Any,
        "graphql" => FaultScope.Graphql,
        "file_stream" or "filestream" => FaultScope.FileStream,
        _ => throw new FormatException($"scope must be any, graphql or file_stream, not '{scope}'"),
    };
}
