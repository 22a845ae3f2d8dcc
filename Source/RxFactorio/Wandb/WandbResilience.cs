using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RxFactorio.Wandb;

/// <summary>
/// Builds the single resilience handler of the W&amp;B <see cref="HttpClient"/>: one Polly pipeline
/// per request kind, picked from the request's options.
/// <list type="bullet">
/// <item>GraphQL: up to <see cref="WandbOptions.GraphQlMaxRetries"/> retries, each attempt limited to <see cref="WandbOptions.GraphQlAttemptTimeout"/>.</item>
/// <item>file_stream: retries without a count limit, bounded in total by <see cref="WandbOptions.FileStreamRetryDuration"/>
/// (unbounded when infinite), each attempt limited to <see cref="WandbOptions.FileStreamAttemptTimeout"/>.</item>
/// </list>
/// Waits follow <see cref="WandbRetryPolicy.Backoff"/>, or the server's <c>Retry-After</c>.
/// NOTE: not the standard handler: its 30 s total timeout would fail any long <c>Retry-After</c>.
/// </summary>
internal static class WandbResilience
{
    public static ResilienceHandler CreateHandler(WandbOptions options, TimeProvider time, ILogger logger, WandbCounters counters, Func<double>? jitter = null)
    {
        jitter ??= Random.Shared.NextDouble;
        var graphQl = Build(options, time, logger, counters, jitter, WandbRequestKind.GraphQl);
        var upsert = Build(options, time, logger, counters, jitter, WandbRequestKind.UpsertBucket);
        var fileStream = Build(options, time, logger, counters, jitter, WandbRequestKind.FileStream);
        return new ResilienceHandler(request => WandbRequestKind.Of(request) switch
        {
            WandbRequestKind.FileStream => fileStream,
            WandbRequestKind.UpsertBucket => upsert,
            _ => graphQl,
        });
    }

    private static ResiliencePipeline<HttpResponseMessage> Build(
        WandbOptions options, TimeProvider time, ILogger logger, WandbCounters counters, Func<double> jitter, string kind)
    {
        var isFileStream = kind == WandbRequestKind.FileStream;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (isFileStream && options.FileStreamRetryDuration != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.FileStreamRetryDuration);
        }
        var maxRetries = isFileStream ? int.MaxValue : options.GraphQlMaxRetries;
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: { } e } => WandbRetryPolicy.IsRetryableException(e),
                    { Result: { } r } => WandbRetryPolicy.IsRetryable(r.StatusCode, kind),
                    _ => false,
                }),
                DelayGenerator = args =>
                {
                    var retryAfter = WandbRetryPolicy.RetryAfter(args.Outcome.Result, time.GetUtcNow());
                    var delay = retryAfter is { } ra
                        ? (ra > options.MaxRetryAfter ? options.MaxRetryAfter : ra)
                        : WandbRetryPolicy.Backoff(args.AttemptNumber, options.RetryBaseDelay, options.RetryMaxDelay, jitter());
                    return ValueTask.FromResult<TimeSpan?>(delay);
                },
                OnRetry = args =>
                {
                    counters.AddRetry(WandbCounters.StatusOf(args.Outcome.Result));
                    var request = args.Outcome.Result?.RequestMessage;
                    logger.LogWarning(
                        "W&B {Kind} request to {Path} failed ({Failure}); retry {Attempt} in {Delay}.",
                        kind,
                        request?.RequestUri?.AbsolutePath ?? "(unknown)",
                        args.Outcome.Exception is { } e ? e.GetType().Name + ": " + e.Message : $"HTTP {(int)args.Outcome.Result!.StatusCode}",
                        args.AttemptNumber + 1,
                        args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = isFileStream ? options.FileStreamAttemptTimeout : options.GraphQlAttemptTimeout,
        });
        return builder.Build();
    }
}
