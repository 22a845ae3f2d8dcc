using Polly;

namespace RxFactorio.Wandb;

/// <summary>
/// The <see cref="RateBudget"/> as a step of the W&amp;B resilience pipeline, between the retry and the
/// attempt timeout: every attempt (a retry too) takes a turn, and the wait for it counts against the
/// request's total retry time but not against one attempt's timeout. The lane is the request's run
/// (<see cref="WandbRequestKind.RunKey"/>), else its path (a file_stream URL names its run).
/// </summary>
internal sealed class RateBudgetStrategy(RateBudget budget) : ResilienceStrategy<HttpResponseMessage>
{
    /// <summary>Adds the budget to <paramref name="builder"/>.</summary>
    public static void AddTo(ResiliencePipelineBuilder<HttpResponseMessage> builder, RateBudget budget) =>
        builder.AddStrategy(_ => new RateBudgetStrategy(budget), new RateBudgetStrategyOptions());

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        RateBudget.Turn turn;
        try
        {
            turn = await budget.TakeTurnAsync(LaneOf(ResiliencePipelineHandler.RequestOf(context)), context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e) when (e is RetryWaitCutException or OperationCanceledException)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }
        using (turn)
        {
            var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            turn.Observe(outcome.Result);
            return outcome;
        }
    }

    private static string LaneOf(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return "";
        }
        if (((IDictionary<string, object?>)request.Options).TryGetValue(WandbRequestKind.RunKey, out var value) && value is string run && run.Length > 0)
        {
            return "run:" + run;
        }
        return request.RequestUri?.AbsolutePath ?? "";
    }

    private sealed class RateBudgetStrategyOptions : ResilienceStrategyOptions
    {
        public RateBudgetStrategyOptions() => Name = "RateBudget";
    }
}
