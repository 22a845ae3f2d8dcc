using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using RxFactorio.Diagnostics;

namespace RxFactorio.Wandb;

/// <summary>
/// Builds the single resilience handler of the W&amp;B <see cref="HttpClient"/>: one Polly pipeline
/// per request kind, picked from the request's options.
/// <list type="bullet">
/// <item>GraphQL: up to <see cref="WandbOptions.GraphQlMaxRetries"/> retries, each attempt limited to <see cref="WandbOptions.GraphQlAttemptTimeout"/>.</item>
/// <item>file_stream: retries without a count limit, bounded in total by <see cref="WandbOptions.FileStreamRetryDuration"/>
/// (unbounded when infinite), each attempt limited to <see cref="WandbOptions.FileStreamAttemptTimeout"/>.</item>
/// </list>
/// Waits follow <see cref="WandbRetryPolicy.Backoff"/>, or the server's <c>Retry-After</c>; after
/// <see cref="WandbConnection.CutRetryWaitsAt"/> a wait that would end past the shutdown deadline is not waited:
/// the request fails at once (its rows stay in the run log). Every attempt at a W&amp;B request then takes a turn
/// from the process's <see cref="RateBudget"/> (shared by all runs) before its attempt timeout starts.
/// NOTE: not the standard handler: its 30 s total timeout would fail any long <c>Retry-After</c>.
/// </summary>
internal static class WandbResilience
{
    // NOTE: budget is the process's rate budget every attempt passes (W&B requests), or null (uploads to cloud storage).
    public static ResiliencePipelineHandler CreateHandler(WandbOptions options, TimeProvider time, ILogger logger, SecretRedactor redactor, RetryWaitCutoff cutoff, RateBudget? budget, Func<double>? jitter = null)
    {
        jitter ??= Random.Shared.NextDouble;
        var graphQl = Build(options, time, logger, redactor, cutoff, budget, jitter, WandbRequestKind.GraphQl);
        var upsert = Build(options, time, logger, redactor, cutoff, budget, jitter, WandbRequestKind.UpsertBucket);
        var fileStream = Build(options, time, logger, redactor, cutoff, budget, jitter, WandbRequestKind.FileStream);
        return new ResiliencePipelineHandler(request => WandbRequestKind.Of(request) switch
        {
            WandbRequestKind.FileStream => fileStream,
            WandbRequestKind.UpsertBucket => upsert,
            _ => graphQl,
        });
    }

    private static ResiliencePipeline<HttpResponseMessage> Build(
        WandbOptions options, TimeProvider time, ILogger logger, SecretRedactor redactor, RetryWaitCutoff cutoff, RateBudget? budget, Func<double> jitter, string kind)
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
                // NOTE: the wait happens here, not in Polly (which is told to wait 0): a shutdown can then cut
                // it short, and the log says what is waited for before the wait, not after it.
                DelayGenerator = async args =>
                {
                    var retryAfter = WandbRetryPolicy.RetryAfter(args.Outcome.Result, time.GetUtcNow());
                    var delay = retryAfter is { } ra
                        ? (ra > options.MaxRetryAfter ? options.MaxRetryAfter : ra)
                        : WandbRetryPolicy.Backoff(args.AttemptNumber, options.RetryBaseDelay, options.RetryMaxDelay, jitter());
                    // NOTE: the context's request, not the response's: a transport failure has no response.
                    var request = ResiliencePipelineHandler.RequestOf(args.Context) ?? args.Outcome.Result?.RequestMessage;
                    logger.LogWarning(
                        "W&B {Operation} request ({Method} {Path}) failed ({Failure}); retry {Attempt} in {Delay}.",
                        WandbRequestKind.OperationOf(request, kind),
                        request?.Method.Method ?? "POST",
                        request?.RequestUri?.AbsolutePath ?? WandbRequestKind.PathOf(kind),
                        args.Outcome.Exception is { } e ? e.GetType().Name + ": " + redactor.Redact(e.Message) : $"HTTP {(int)args.Outcome.Result!.StatusCode}",
                        args.AttemptNumber + 1,
                        delay);
                    if (!await cutoff.WaitAsync(delay, args.Context.CancellationToken).ConfigureAwait(false))
                    {
                        args.Outcome.Result?.Dispose();
                        throw new RetryWaitCutException(delay);
                    }
                    RxFactorioMeter.AddRetry(StatusCountingHandler.StatusOf(args.Outcome.Result));
                    return TimeSpan.Zero;
                },
            });
        }
        if (budget is not null)
        {
            // NOTE: inside the retry (each attempt takes a turn) and outside the attempt timeout (a wait for a turn is no slow attempt).
            RateBudgetStrategy.AddTo(builder, budget);
        }
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = isFileStream ? options.FileStreamAttemptTimeout : options.GraphQlAttemptTimeout,
        });
        return builder.Build();
    }
}
