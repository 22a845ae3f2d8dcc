namespace RxFactorio.Sources;

/// <summary>How a live source is read.</summary>
public enum SourceKind
{
    /// <summary>Standard input (<c>-</c>).</summary>
    Stdin,

    /// <summary>A named pipe, held open so the game never waits in <c>open()</c>.</summary>
    Fifo,

    /// <summary>A regular file, followed as it grows (<c>tail -F</c>).</summary>
    TailedFile,

    /// <summary>A UDP port (<c>udp://HOST:PORT</c>) the game sends datagrams to; it never blocks the game.</summary>
    Udp,
}
