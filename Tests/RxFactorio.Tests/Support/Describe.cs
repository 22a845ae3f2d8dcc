using RxFactorio.Sinks;

namespace RxFactorio.Tests.Support;

/// <summary>Renders run commands as short comparable strings for message-list assertions.</summary>
internal static class Describe
{
    public static string Command(RunCommand command) => command switch
    {
        StartRun s => $"start {s.Run.Key.Source}/{s.Run.SessionId}#{s.Run.Key.Generation}{(s.Resumed ? " resumed" : "")}",
        LogBatch b => $"batch {b.Run.Key.Source}/{b.Run.SessionId}#{b.Run.Key.Generation} steps=[{string.Join(",", b.Rows.Select(r => r.Step))}]"
            + (b.LogLines.IsEmpty ? "" : $" lines={b.LogLines.Length}"),
        FinishRun f => $"finish {f.Run.Key.Source}/{f.Run.SessionId}#{f.Run.Key.Generation} {f.Reason}",
        _ => command.ToString(),
    };
}
