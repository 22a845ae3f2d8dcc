using RxFactorio.Sinks;

namespace RxFactorio.Samples.Embedding;

/// <summary>
/// Forwards every command to several sinks, one after the other, in the order given: how a
/// sink of your own goes BESIDE the W&amp;B sink. <c>SendTo</c> never overlaps calls, so neither does this.
/// </summary>
public sealed class TeeSink(params IRunSink[] sinks) : IRunSink
{
    public async ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            // A failing sink fails the pipeline (that is the IRunSink contract); later sinks do not see the command.
            await sink.HandleAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }
}
