namespace RxFactorio.FakeWandb.Faults;

public enum DropTiming
{
    /// <summary>Abort the connection before the request is handled: nothing is stored.</summary>
    BeforeStore,

    /// <summary>Handle and store the request, then abort instead of answering: the client sees a transport error and retries.</summary>
    AfterStore,
}
