namespace RxFactorio.RunLog;

/// <summary>
/// What a history record's items say beside the row's values, for both readers of history records
/// (<see cref="RunLogReader.ToRow"/> and <see cref="HistoryRecordDecoder"/>): <c>_step</c>,
/// <c>_runtime</c>, <c>_timestamp</c> (Unix seconds, kept to the millisecond) and the <c>tick</c> value.
/// </summary>
internal struct HistoryRowFields
{
    /// <summary>The step (<c>_step</c>, else the record's <c>step.num</c>).</summary>
    public long Step;

    /// <summary>Game seconds since the run started (<c>_runtime</c>).</summary>
    public double Runtime;

    /// <summary>When the row was completed (<c>_timestamp</c>).</summary>
    public DateTimeOffset Timestamp;

    /// <summary>The row's <c>tick</c> value (0 without one).</summary>
    public long Tick;

    /// <summary>Whether a <c>_step</c> item set <see cref="Step"/> (it wins over the record's <c>step.num</c>).</summary>
    public bool StepFromItem;

    /// <summary>Starts with the record's <c>step.num</c>.</summary>
    public HistoryRowFields(long step)
    {
        Step = step;
        Timestamp = DateTimeOffset.UnixEpoch;
    }

    /// <summary>Takes one numeric item; true when it is one of W&amp;B's own keys, which are not row values.</summary>
    public bool Take(string key, double value)
    {
        switch (key)
        {
            case "_step":
                Step = (long)value;
                StepFromItem = true;
                return true;
            case "_runtime":
                Runtime = value;
                return true;
            case "_timestamp":
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value * 1000));
                return true;
            case Runs.ReservedKeys.Tick:
                Tick = (long)value;
                return false;
            default:
                return false;
        }
    }
}
