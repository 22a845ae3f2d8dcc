namespace RxFactorio.Runs;

/// <summary>How a run's source label (<see cref="RunInfo.SourceLabel"/>) shows in W&amp;B besides its config <c>source</c>.</summary>
public enum SourceLabelUse
{
    /// <summary>The label is one of the run's tags (beside the tags every run gets).</summary>
    Tag,

    /// <summary>The label is the run's group (W&amp;B <c>groupName</c>).</summary>
    Group,

    /// <summary>Only the config <c>source</c>.</summary>
    None,
}
