namespace RxFactorio.Wandb;

/// <summary>Where a <see cref="WandbRunClient"/> is in its life.</summary>
internal enum WandbRunState
{
    /// <summary>Not started yet: call <see cref="WandbRunClient.StartAsync"/>.</summary>
    Created,

    /// <summary>Upserted; batches and heartbeats are sent.</summary>
    Running,

    /// <summary>Finished (<c>complete</c> sent); <see cref="WandbRunClient.StartAsync"/> with resume continues it.</summary>
    Finished,

    /// <summary>The server answered <c>"stopped": true</c> (stopped in the W&amp;B UI): treated as finished, later batches are dropped and counted.</summary>
    Stopped,

    /// <summary>A file_stream request failed for good; like wandb-core, the stream is dead for the rest of the run and later batches are dropped and counted.</summary>
    Failed,
}
