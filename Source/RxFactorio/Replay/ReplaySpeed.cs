using System.Globalization;

namespace RxFactorio.Replay;

/// <summary>How fast a recording is replayed: a factor of game time, or as fast as possible.</summary>
public readonly record struct ReplaySpeed
{
    private ReplaySpeed(double factor) => Factor = factor;

    /// <summary>Game time: 60 ticks per second.</summary>
    public static ReplaySpeed RealTime { get; } = new(1);

    /// <summary>As fast as the pipeline takes the events.</summary>
    public static ReplaySpeed Max { get; } = new(double.PositiveInfinity);

    /// <summary>The factor over game time; infinite for <see cref="Max"/>.</summary>
    public double Factor { get; }

    /// <summary>True for <see cref="Max"/>.</summary>
    public bool IsMax => double.IsPositiveInfinity(Factor);

    /// <summary>A speed of <paramref name="factor"/> times game time.</summary>
    public static ReplaySpeed Times(double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "A replay speed must be a positive number.");
        }
        return new ReplaySpeed(factor);
    }

    /// <summary>Parses <c>max</c> or a positive number such as <c>1</c>, <c>10</c> or <c>0.5</c>.</summary>
    public static bool TryParse(string? text, out ReplaySpeed speed)
    {
        speed = default;
        if (string.Equals(text, "max", StringComparison.OrdinalIgnoreCase))
        {
            speed = Max;
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && double.IsFinite(factor) && factor > 0)
        {
            speed = new ReplaySpeed(factor);
            return true;
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => IsMax ? "max" : Factor.ToString(CultureInfo.InvariantCulture);
}
