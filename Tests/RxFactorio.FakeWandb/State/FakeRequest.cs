namespace RxFactorio.FakeWandb.State;

/// <summary>One logged request. StatusCode is 0 when the connection was aborted. Headers (and so the key) are never logged.</summary>
public sealed record FakeRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    RequestKind Kind,
    int StatusCode,
    string? OperationName,
    bool Aborted,
    string? Fault);
