using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Faults;

/// <summary>Which protocol requests a fault applies to. Control endpoints (/runs, /_fake) are never faulted.</summary>
public enum FaultScope
{
    Any,
    Graphql,
    FileStream,
}

internal static class FaultScopeExtensions
{
    public static bool Matches(this FaultScope scope, RequestKind kind) => kind switch
    {
        RequestKind.Graphql => scope is FaultScope.Any or FaultScope.Graphql,
        RequestKind.FileStream => scope is FaultScope.Any or FaultScope.FileStream,
        _ => false,
    };
}
