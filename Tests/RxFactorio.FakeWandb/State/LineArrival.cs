namespace RxFactorio.FakeWandb.State;

/// <summary>When a streamed line's offset was first written and how many requests wrote it (more than 1: resent, replaced).</summary>
/// <param name="Offset">The line's offset in its file.</param>
/// <param name="Line">The line as last written.</param>
/// <param name="FirstArrived">The server's clock when a request first wrote the offset.</param>
/// <param name="Writes">How many times the offset was written.</param>
public sealed record LineArrival(long Offset, string Line, DateTimeOffset FirstArrived, int Writes);
