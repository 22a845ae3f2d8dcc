namespace RxFactorio.Sinks;

/// <summary>
/// The end of the pipeline: receives every run's commands in order (start, batches, finish) and
/// delivers them somewhere: W&amp;B, a run log on disk, a test recorder. Calls never overlap.
/// </summary>
public interface IRunSink
{
    /// <summary>Carries out one command. A returned task that fails is an unrecoverable failure of the pipeline.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancelled when the pipeline is abandoned.</param>
    ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken);
}
