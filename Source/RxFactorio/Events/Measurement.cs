namespace RxFactorio.Events;

/// <summary>One named, finite number: an item's rate, or a free-form metric.</summary>
/// <param name="Name">The item, fluid or metric name (interned).</param>
/// <param name="Value">The value; always finite.</param>
public readonly record struct Measurement(string Name, double Value);
