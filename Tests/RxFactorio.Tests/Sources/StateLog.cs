using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>Records the states a source reports, in order; thread-safe (the read loop reports them).</summary>
internal sealed class StateLog
{
    private readonly Lock _gate = new();
    private readonly List<SourceState> _states = [];

    public Action<SourceState> Callback => Add;

    public IReadOnlyList<SourceState> States
    {
        get
        {
            lock (_gate)
            {
                return [.. _states];
            }
        }
    }

    public Task WaitForAsync(SourceState state) =>
        Wait.UntilAsync(() => States.Contains(state), () => $"no {state} reported; reported: [{string.Join(", ", States)}]");

    private void Add(SourceState state)
    {
        lock (_gate)
        {
            _states.Add(state);
        }
    }
}
