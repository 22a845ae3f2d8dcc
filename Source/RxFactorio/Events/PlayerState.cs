namespace RxFactorio.Events;

/// <summary>The optional <c>player</c> object of a <c>stats</c> line.</summary>
/// <param name="X">The player's x position, if given.</param>
/// <param name="Y">The player's y position, if given.</param>
/// <param name="Surface">The player's surface, if given.</param>
/// <param name="Health">The player's health, if given.</param>
public sealed record PlayerState(double? X, double? Y, string? Surface, double? Health);
