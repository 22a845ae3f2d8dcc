using RxFactorio.Diagnostics;

namespace RxFactorio.Framing;

/// <summary>Options for <see cref="FramingExtensions.FrameLines"/>.</summary>
public sealed record FramingOptions
{
    /// <summary>The default <see cref="MaxLineBytes"/>: 4 MiB.</summary>
    public const int DefaultMaxLineBytes = 4 * 1024 * 1024;

    /// <summary>The largest <see cref="MaxLineBytes"/> that takes effect: the largest .NET array less one byte (for a CR); a larger value means this.</summary>
    public static readonly int MaxSupportedLineBytes = Array.MaxLength - 1;

    /// <summary>
    /// The longest line accepted, in bytes without its terminator (at most <see cref="MaxSupportedLineBytes"/> take effect). A longer line is skipped up
    /// to its newline and reported once as <see cref="DiagnosticReason.LineTooLong"/>; no more
    /// than this many bytes of it are ever buffered.
    /// </summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>The byte offset of the first chunk in the source (non-zero when resuming from a checkpoint).</summary>
    public long StartOffset { get; init; }

    /// <summary>The line number of the line before the first one read (non-zero when resuming from a checkpoint).</summary>
    public long StartLineNumber { get; init; }

    /// <summary>Where diagnostics (over-long lines) go; <c>null</c> drops them after counting nothing.</summary>
    public IObserver<IngestDiagnostic>? Diagnostics { get; init; }
}
