using RxFactorio.Diagnostics;

namespace RxFactorio.Events;

/// <summary>Options for <see cref="EventParser"/> and <see cref="ParsingExtensions.ParseEvents"/>.</summary>
public sealed record ParseOptions
{
    /// <summary>The default <see cref="MaxDepth"/>.</summary>
    public const int DefaultMaxDepth = 16;

    /// <summary>The deepest JSON nesting accepted in a line; deeper lines are rejected as <see cref="DiagnosticReason.NestingTooDeep"/>.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>Where diagnostics go (rejected lines, unknown types, dropped values); <c>null</c> ignores them.</summary>
    public IObserver<IngestDiagnostic>? Diagnostics { get; init; }
}
