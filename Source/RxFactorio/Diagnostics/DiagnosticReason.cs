namespace RxFactorio.Diagnostics;

/// <summary>Why a line, or a part of it, was not accepted as it stood.</summary>
public enum DiagnosticReason
{
    /// <summary>The line is longer than the configured maximum and was skipped up to its newline.</summary>
    LineTooLong,

    /// <summary>The line is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The line is not valid JSON (truncated, garbage, <c>NaN</c> tokens, trailing data…).</summary>
    InvalidJson,

    /// <summary>The line is valid JSON but not a JSON object.</summary>
    NotAnObject,

    /// <summary>The JSON nests deeper than the parser allows.</summary>
    NestingTooDeep,

    /// <summary>A required field (<c>type</c>, <c>session_id</c>, <c>tick</c>, <c>cycle</c>, <c>event_name</c>) is absent.</summary>
    MissingField,

    /// <summary>A required field has the wrong JSON type or an out-of-range value.</summary>
    WrongFieldType,

    /// <summary>The <c>type</c> is not one this version knows; the line is skipped and counted.</summary>
    UnknownEventType,

    /// <summary>One metric value was not a finite number and was dropped; the rest of the event was kept.</summary>
    BadMetricValue,

    /// <summary>An optional field had the wrong shape and was ignored; the rest of the event was kept.</summary>
    BadOptionalField,

    /// <summary>A <c>stats</c> line whose cycle is not after the run's last step; W&amp;B would drop it, so it is not sent.</summary>
    StaleCycle,

    /// <summary>
    /// A string escape names a lone UTF-16 surrogate (<c>"\ud800"</c>): no Unicode text can hold it,
    /// so the line is rejected (it is not decoded with U+FFFD).
    /// </summary>
    LoneSurrogate,

    /// <summary>
    /// A <c>stats</c> line whose <c>cycle</c> contradicts its <c>tick</c> (the contract: cycle =
    /// floor(tick / 120), one cycle either way tolerated); rejected, so one absurd cycle cannot move a run's step.
    /// </summary>
    CycleContradictsTick,

    /// <summary>A metric whose name is a reserved history key (<c>_step</c>, any <c>_</c>… key, <c>tick</c>); that value was dropped.</summary>
    ReservedKey,

    /// <summary>A UDP datagram was larger than the receive buffer, so the socket cut it; it was dropped whole.</summary>
    DatagramTruncated,

    /// <summary>
    /// A history key would take a run or a row past its key limit (<c>runs:maxKeysPerRun</c>,
    /// <c>runs:maxKeysPerRow</c>); it was dropped. Reported once per run and limit, with how many
    /// keys that line lost; later drops are counted in the <c>rxfactorio.keys.dropped</c> meter.
    /// </summary>
    KeyLimit,
}
