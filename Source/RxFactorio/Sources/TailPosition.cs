namespace RxFactorio.Sources;

/// <summary>A byte offset in one particular file: what a checkpoint stores to resume a tail.</summary>
/// <param name="Identity">The file the offset belongs to.</param>
/// <param name="Offset">The number of bytes of that file already delivered.</param>
public readonly record struct TailPosition(FileIdentity Identity, long Offset);
