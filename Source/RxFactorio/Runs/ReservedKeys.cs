namespace RxFactorio.Runs;

/// <summary>
/// History keys that input may not set: every key starting with <c>_</c> is W&amp;B's own
/// (<c>_step</c>, <c>_runtime</c>, <c>_timestamp</c>, <c>_wandb</c>…; a row that set them would
/// move the step or the clock); <c>tick</c> is the one RxFactorio writes from the line, and
/// <c>screenshot</c> the row's image (a number under it would be a second key of that name).
/// A metric with such a name is dropped and counted (<see cref="Diagnostics.DiagnosticReason.ReservedKey"/>).
/// </summary>
internal static class ReservedKeys
{
    /// <summary>The key RxFactorio writes the stats tick under.</summary>
    public const string Tick = "tick";

    /// <summary>The key a row's screenshot is logged under, as a W&amp;B image.</summary>
    public const string Screenshot = "screenshot";

    /// <summary>Whether <paramref name="key"/>, as a final history key, is reserved.</summary>
    /// <param name="key">A history key, e.g. <c>power/produced_w</c>.</param>
    public static bool IsReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith('_') || key == Tick || key == Screenshot;
    }

    /// <summary>The diagnostic detail for a dropped reserved metric.</summary>
    internal static string Detail(string key) =>
        $"metrics['{Diagnostics.Printable.Of(key, 60)}']: keys starting with '_' are W&B's own (_step, _runtime, _timestamp, _wandb…) 'tick' is written from the line's tick and 'screenshot' is the row's image; that value was dropped";
}
