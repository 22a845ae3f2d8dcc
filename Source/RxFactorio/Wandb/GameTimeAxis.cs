using RxFactorio.RunLog.Proto;

namespace RxFactorio.Wandb;

/// <summary>
/// The metric definitions every rxfactorio run starts with, so that W&amp;B plots every chart against
/// game time: <c>tick</c> is defined, and every other key (<c>production/…</c>, <c>consumption/…</c>,
/// <c>events/…</c>, the mod's own metrics) has <c>tick</c> as its step metric, as
/// <c>wandb.define_metric("tick")</c> and <c>wandb.define_metric("*", step_metric="tick")</c> would
/// record them (<c>wandb/sdk/wandb_metric.py</c> <c>_commit</c>: <c>options.defined</c> always set,
/// <c>step_sync</c> when a step metric is given). The ticks are exact game time (60 per second),
/// whatever the replay speed; <c>_step</c> stays the cycle, and each chart's x axis can still be
/// switched in the UI.
/// </summary>
internal static class GameTimeAxis
{
    /// <summary>The step metric: the row's game tick.</summary>
    public const string StepMetric = Runs.ReservedKeys.Tick;

    /// <summary>The records, in the order they are written after the run record.</summary>
    public static IReadOnlyList<MetricRecord> Definitions { get; } =
    [
        new MetricRecord { Name = StepMetric, Options = new MetricOptions { Defined = true } },
        new MetricRecord { GlobName = "*", StepMetric = StepMetric, Options = new MetricOptions { Defined = true, StepSync = true } },
    ];
}
