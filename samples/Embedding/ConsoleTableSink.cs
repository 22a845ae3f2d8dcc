using System.Globalization;
using RxFactorio.Sinks;

namespace RxFactorio.Samples.Embedding;

/// <summary>
/// A sink of our own: at every batch, prints the top production rates (items/min) of the
/// batch's latest row, and the run's log lines. Commands arrive one at a time, in order.
/// </summary>
public sealed class ConsoleTableSink(TextWriter output, int top) : IRunSink
{
    private const string Production = "production/";

    public ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case StartRun start:
                output.WriteLine($"▶ {(start.Resumed ? "resume" : "start")} {start.Run.DisplayName}  (level {start.Run.LevelName ?? "?"}, tick {start.Run.StartTick})");
                break;
            case LogBatch batch:
                foreach (var line in batch.LogLines)
                {
                    output.WriteLine($"  log  {line}");
                }
                if (!batch.Rows.IsEmpty)
                {
                    WriteTable(batch);
                }
                break;
            case FinishRun finish:
                output.WriteLine($"■ finish {finish.Run.DisplayName}  ({finish.Reason})");
                break;
        }
        return ValueTask.CompletedTask;
    }

    private void WriteTable(LogBatch batch)
    {
        var row = batch.Rows[^1];
        var leaders = row.Values
            .Where(kv => kv.Key.StartsWith(Production, StringComparison.Ordinal) && kv.Value > 0)
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(top);
        output.WriteLine($"  step {row.Step} (tick {row.Tick}, {batch.Rows.Length} rows in batch), top {top} production /min:");
        foreach (var (key, value) in leaders)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {key[Production.Length..],-28}{value,12:N1}"));
        }
    }
}
