namespace RxFactorio.FakeWandb.State;

public enum RequestKind
{
    Graphql,
    FileStream,

    /// <summary>GET /runs, /_fake/…, anything else: never faulted, never authenticated.</summary>
    Control,
}
