using System.Text;

namespace RxFactorio.FakeWandb.State;

/// <summary>Opaque GraphQL node ids in the shape the SDK's own code shows (docs/wandb-protocol.md §2 "Storage id format").</summary>
internal static class GraphqlIds
{
    public static string Run(RunKey key) => Encode($"Run:v1:{key.Name}:{key.Project}:{key.Entity}");

    public static string Project(string entity, string project) => Encode($"Project:v1:{project}:{entity}");

    public static string Entity(string entity) => Encode($"Entity:v1:{entity}");

    public static string User(string entity) => Encode($"User:v1:{entity}");

    private static string Encode(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
