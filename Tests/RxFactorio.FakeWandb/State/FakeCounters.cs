namespace RxFactorio.FakeWandb.State;

/// <summary>A snapshot of the server's counters.</summary>
public sealed record FakeCounters(
    long GraphqlRequests,
    long FileStreamRequests,
    long Heartbeats,
    long LinesWritten,
    long LinesReplaced,
    long Unauthorized,
    long FaultsInjected,
    long Uploads,
    long UploadsWithCredentials);

internal sealed class CounterSet
{
    private long _graphql, _fileStream, _heartbeats, _linesWritten, _linesReplaced, _unauthorized, _faults, _uploads, _uploadsWithCredentials;

    public void Graphql() => Interlocked.Increment(ref _graphql);

    public void FileStream() => Interlocked.Increment(ref _fileStream);

    public void Heartbeat() => Interlocked.Increment(ref _heartbeats);

    public void Lines(int written, int replaced)
    {
        Interlocked.Add(ref _linesWritten, written);
        Interlocked.Add(ref _linesReplaced, replaced);
    }

    public void Unauthorized() => Interlocked.Increment(ref _unauthorized);

    public void Fault() => Interlocked.Increment(ref _faults);

    public void Upload() => Interlocked.Increment(ref _uploads);

    /// <summary>A request to the upload port carried W&amp;B credentials: the client leaked its key to storage.</summary>
    public void UploadWithCredentials() => Interlocked.Increment(ref _uploadsWithCredentials);

    public FakeCounters Snapshot() => new(
        Interlocked.Read(ref _graphql),
        Interlocked.Read(ref _fileStream),
        Interlocked.Read(ref _heartbeats),
        Interlocked.Read(ref _linesWritten),
        Interlocked.Read(ref _linesReplaced),
        Interlocked.Read(ref _unauthorized),
        Interlocked.Read(ref _faults),
        Interlocked.Read(ref _uploads),
        Interlocked.Read(ref _uploadsWithCredentials));
}
