namespace RxFactorio.FakeWandb.State;

/// <summary>A run's identity: entity, project and run name (the W&amp;B "run id").</summary>
public readonly record struct RunKey(string Entity, string Project, string Name)
{
    public override string ToString() => $"{Entity}/{Project}/{Name}";
}
