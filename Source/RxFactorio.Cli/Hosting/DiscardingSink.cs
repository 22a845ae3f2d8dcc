using RxFactorio.Sinks;

namespace RxFactorio.Cli.Hosting;

/// <summary>The sink of <c>--mode disabled</c>: carries nothing anywhere, counts what it was given.</summary>
internal sealed class DiscardingSink : IRunSink
{
    public long Rows { get; private set; }

    public ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        if (command is LogBatch batch)
        {
            Rows += batch.Rows.Length;
        }
        return ValueTask.CompletedTask;
    }
}
