using Microsoft.Extensions.Logging;

namespace RxFactorio.Sinks;

/// <summary>What <see cref="SinkExtensions.SendTo"/> does when the sink falls behind.</summary>
public enum WhenSinkFallsBehind
{
    /// <summary>
    /// Wait: the producer's <c>OnNext</c> blocks until the backlog is under the bounds again, so
    /// memory stays bounded and reading slows down. Right for replays and tailed files.
    /// </summary>
    Wait,

    /// <summary>
    /// Keep reading and keep the backlog in memory, with a warning each time it crosses the
    /// bounds (nothing is dropped). Right for a FIFO, whose writer (the game) must never wait.
    /// </summary>
    Warn,
}

/// <summary>Bounds on the commands waiting for a sink.</summary>
public sealed record SendOptions
{
    /// <summary>The most history rows waiting for the sink.</summary>
    public long MaxPendingRows { get; init; } = 50_000;

    /// <summary>The most bytes (estimated as JSON) waiting for the sink.</summary>
    public long MaxPendingBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>What happens at the bounds.</summary>
    public WhenSinkFallsBehind WhenFull { get; init; } = WhenSinkFallsBehind.Wait;

    /// <summary>Where crossing the bounds is logged.</summary>
    public ILogger? Logger { get; init; }
}
