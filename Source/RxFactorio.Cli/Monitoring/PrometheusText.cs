using System.Globalization;
using System.Text;
using RxFactorio.Diagnostics;

namespace RxFactorio.Cli.Monitoring;

/// <summary>
/// Writes a <see cref="MetricsSnapshot"/> (the RxFactorio meter's sums) in the Prometheus text exposition
/// format (version 0.0.4); names follow the OpenTelemetry-to-Prometheus mapping (<c>rxfactorio.lines</c> → <c>rxfactorio_lines_total</c>).
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(MetricsSnapshot m)
    {
        var text = new StringBuilder();
        Single(text, "rxfactorio_lines_total", "counter", "Input lines framed (blank lines not counted).", m.Lines);
        Family(text, "rxfactorio_events_total", "counter", "Events parsed, by event type.", m.Events.Select(kv => (Label("type", kv.Key), kv.Value)));
        Family(text, "rxfactorio_rejected_lines_total", "counter", "Input lines (or values) not accepted, by reason.", m.Rejected.Select(kv => (Label("reason", kv.Key), kv.Value)));
        Single(text, "rxfactorio_rows_total", "counter", "History rows completed (one per cycle of a run).", m.Rows);
        Single(text, "rxfactorio_batches_total", "counter", "Batches of rows written to the run log.", m.Batches);
        Single(text, "rxfactorio_rows_sent_total", "counter", "History rows delivered (accepted by W&B, or written to the offline run log).", m.RowsSent);
        Single(text, "rxfactorio_http_requests_total", "counter", "Requests made to W&B, not counting retries.", m.HttpRequests);
        Single(text, "rxfactorio_http_retries_total", "counter", "Retried requests to W&B.", m.HttpRetries);
        Family(text, "rxfactorio_http_responses_total", "counter", "Attempts at W&B requests (retries included), by HTTP status, or status=\"error\" when no response came.",
            m.HttpResponses.Select(kv => (Label("status", kv.Key), kv.Value)));
        Family(text, "rxfactorio_http_retries_by_status_total", "counter", "Retried requests to W&B, by the status of the attempt that failed (or \"error\").",
            m.HttpRetriesByStatus.Select(kv => (Label("status", kv.Key), kv.Value)));
        Single(text, "rxfactorio_http_failures_total", "counter", "Requests to W&B that failed for good.", m.HttpFailures);
        Single(text, "rxfactorio_rows_dropped_total", "counter", "History rows not sent to W&B: over its line limit, or for a run stopped in the W&B UI, failed or unknown.", m.RowsDropped);
        Family(text, "rxfactorio_keys_dropped_total", "counter", "History keys dropped from rows for a key limit, by the limit's setting.",
            m.KeysDropped.Select(kv => (Label("limit", kv.Key), kv.Value)));
        Single(text, "rxfactorio_batches_skipped_total", "counter", "Batches not sent to W&B: their run was stopped in the W&B UI, failed or unknown.", m.BatchesSkipped);
        Single(text, "rxfactorio_lines_oversized_total", "counter", "History, summary or log lines not sent to W&B: larger than its line limit.", m.LinesOversized);
        Single(text, "rxfactorio_ratebudget_waits_total", "counter", "Attempts at W&B requests that queued for the process's rate budget instead of going at once.", m.RateBudgetWaits);
        Family(text, "rxfactorio_ratebudget_holds_total", "counter", "Times a W&B response made every request wait until a time, by reason (retry-after, ratelimit-reset).",
            m.RateBudgetHolds.Select(kv => (Label("reason", kv.Key), kv.Value)));
        Single(text, "rxfactorio_ratebudget_queued", "gauge", "Attempts at W&B requests waiting for the rate budget now.", m.RateBudgetQueued);
        Single(text, "rxfactorio_active_runs", "gauge", "Runs started and not yet finished.", m.ActiveRuns);
        Single(text, "rxfactorio_rows_pending", "gauge", "History rows waiting for the sink.", m.RowsPending);
        Single(text, "rxfactorio_bytes_pending", "gauge", "Estimated bytes waiting for the sink.", m.BytesPending);
        Single(text, "rxfactorio_runlog_bytes", "gauge", "Bytes in this process's run logs (0 if unknown).", m.RunLogBytes);
        Single(text, "rxfactorio_up", "gauge", "1 while the pipeline is running, 0 otherwise.", m.State == PipelineState.Running ? 1 : 0);
        Family(text, "rxfactorio_source_open", "gauge", "1 while the source is open, 0 while it is waiting (a tailed file not created yet), closed or failed.",
            m.SourcesOpen.Select(kv => (Label("source", Printable.Of(kv.Key, 300)), kv.Value)));
        return text.ToString();
    }

    private static void Single(StringBuilder text, string name, string type, string help, long value) =>
        Family(text, name, type, help, [("", value)]);

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<(string Labels, long Value)> samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in samples)
        {
            text.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Label(string name, string value) =>
        $"{{{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"}}";
}
