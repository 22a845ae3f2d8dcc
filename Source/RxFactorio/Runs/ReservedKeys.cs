namespace RxFactorio.Runs;

/// <summary>
/// History keys that input may not set: every key starting with <c>_</c> is W&amp;B's own
/// (<c>_step</c>, <c>_runtime</c>, <c>_timestamp</c>, <c>_wandb</c>…; a row that set them would
/// move the step or the clock), and <c>tick</c> is the one RxFactorio writes from the line.
/// A metric with such a name is dropped and counted (<see cref="Diagnostics.DiagnosticReason.ReservedKey"/>).
/// </summary>
internal static class ReservedKeys
{
    /// <summary>The key RxFactorio writes the stats tick under.</summary>
    public const string Tick = "tick";

    /// <summary>Whether <paramref name="key"/>, as a final history key, is reserved.</summary>
    /// <param name="key">A history key, e.g. <c>power/produced_w</c>.</param>
    public static bool IsReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith('_') || key == Tick;
    }

    /// <summary>The diagnostic detail for a dropped reserved metric.</summary>
    internal static string Detail(string key) =>
        $"metrics['{Diagnostics.Printable.Of(key, 60)}']: keys starting with '_' are W&B's own (_step, _runtime, _timestamp, _wandb…) and 'tick' is written from the line's tick; that value was dropped";
}
