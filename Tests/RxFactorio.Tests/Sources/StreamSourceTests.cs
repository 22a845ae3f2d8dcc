using System.IO.Pipes;
using Microsoft.Extensions.Logging;
using System.Text;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

public sealed class StreamSourceTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxfactorio-read-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task ReadFile_DeliversTheWholeFile_IncludingALastLineWithoutNewline_ThenCompletes()
    {
        string path = Path.Combine(_dir, "recording.jsonl");
        await File.WriteAllTextAsync(path, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}");

        using LineCollector lines = LineCollector.Subscribe(ByteSources.ReadFile(path));
        await Wait.ForAsync(lines.End, "the file source to complete");

        Assert.That(lines.Lines, Is.EqualTo(new[] { "{\"a\":1}", "{\"a\":2}" }));
        Assert.That(lines.Partial, Is.EqualTo("{\"a\":3}"), "the unterminated last line is delivered too");
    }

    [Test]
    public async Task ReadFile_LargerThanOneChunk_ArrivesByteForByte()
    {
        string path = Path.Combine(_dir, "big.jsonl");
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{{\"i\":{i}}}\n")));
        await File.WriteAllBytesAsync(path, content);

        using LineCollector lines = LineCollector.Subscribe(ByteSources.ReadFile(path));
        await Wait.ForAsync(lines.End, "the file source to complete");

        Assert.That(lines.AllBytes, Is.EqualTo(content));
        Assert.That(lines.Chunks, Is.GreaterThan(1));
    }

    [Test]
    public async Task ReadFile_MissingFile_FailsWithFileNotFoundNamingThePath()
    {
        string path = Path.Combine(_dir, "nope.jsonl");

        using LineCollector lines = LineCollector.Subscribe(ByteSources.ReadFile(path));
        var error = Assert.ThrowsAsync<FileNotFoundException>(() => Wait.ForAsync(lines.End, "the file source to fail"));

        Assert.That(error!.Message, Does.Contain(path));
    }

    [Test]
    public async Task FromStream_OneByteAtATime_DeliversEveryByteInOrder()
    {
        byte[] content = "{\"t\":1}\n{\"t\":2}\n"u8.ToArray();

        using LineCollector lines = LineCollector.Subscribe(
            ByteSources.FromStream(() => new TrickleStream(content), "trickle"));
        await Wait.ForAsync(lines.End, "the stream source to complete");

        Assert.That(lines.Lines, Is.EqualTo(new[] { "{\"t\":1}", "{\"t\":2}" }));
        Assert.That(lines.Chunks, Is.EqualTo(content.Length), "one chunk per read");
    }

    [Test]
    public async Task DisposingMidRead_StopsReadingAndDisposesTheStream()
    {
        var stream = new TrickleStream(content: null);

        LineCollector lines = LineCollector.Subscribe(ByteSources.FromStream(() => stream, "endless"));
        await Wait.UntilAsync(() => lines.Chunks >= 10, () => $"only {lines.Chunks} chunks read");
        lines.Dispose();

        await Wait.ForAsync(stream.Disposed, "the stream to be disposed");
        int readsAtDispose = stream.Reads;
        Assert.That(lines.End.IsCompleted, Is.False, "a disposed subscription gets no further notifications");
        Assert.That(stream.Reads, Is.EqualTo(readsAtDispose), "no reads after dispose");
    }

    [Test]
    public async Task EachSubscription_OpensItsOwnStream()
    {
        int opened = 0;
        IObservable<System.Buffers.ReadOnlySequence<byte>> source = ByteSources.FromStream(
            () =>
            {
                Interlocked.Increment(ref opened);
                return new MemoryStream("x\n"u8.ToArray());
            },
            "memory");

        using LineCollector first = LineCollector.Subscribe(source);
        using LineCollector second = LineCollector.Subscribe(source);
        await Wait.ForAsync(Task.WhenAll(first.End, second.End), "both subscriptions to complete");

        Assert.That(opened, Is.EqualTo(2));
        Assert.That(first.Lines, Is.EqualTo(new[] { "x" }));
        Assert.That(second.Lines, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task StdinThatIsAPipe_IsRead_AndDisposingCancelsAPendingRead()
    {
        using var producer = new AnonymousPipeServerStream(PipeDirection.Out);
        int fd = (int)producer.ClientSafePipeHandle.DangerousGetHandle();
        var log = new ListLogger();

        LineCollector lines = LineCollector.Subscribe(ByteSources.FromStream(() => StdinStream.Open(fd), "stdin", log));
        await producer.WriteAsync("{\"s\":1}\n"u8.ToArray());
        await lines.WaitForLinesAsync(1);

        // The producer stays open, so the source is blocked waiting for more: dispose must end it.
        lines.Dispose();

        await Wait.UntilAsync(() => log.Count(LogLevel.Debug, "Closed stdin") == 1, () => "the read loop did not end: " + string.Join(" | ", log.Entries), TimeSpan.FromSeconds(3));
        Assert.That(lines.Lines, Is.EqualTo(new[] { "{\"s\":1}" }));
    }

    /// <summary>Returns one byte per read; endless (zeros... then '\n') when no content is given.</summary>
    private sealed class TrickleStream(byte[]? content) : Stream
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;
        private int _reads;

        public Task Disposed => _disposed.Task;

        public int Reads => Volatile.Read(ref _reads);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed.Task.IsCompleted, this);
            Interlocked.Increment(ref _reads);
            if (content is null)
            {
                buffer[0] = (byte)'\n';
                return 1;
            }

            if (_position == content.Length)
            {
                return 0;
            }

            buffer[0] = content[_position++];
            return 1;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Yield so that an endless stream does not spin synchronously.
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
