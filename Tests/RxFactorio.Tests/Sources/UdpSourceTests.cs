using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Reactive;
using System.Reactive.Linq;
using System.Text;
using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Sources;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Sources;

/// <summary>The UDP source over real sockets on 127.0.0.1, read through the real framing and parsing.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class UdpSourceTests
{
    private readonly Lock _gate = new();
    private readonly List<CollectedLine> _lines = [];
    private readonly List<IngestDiagnostic> _diagnostics = [];
    private readonly List<FactorioEvent> _events = [];
    private readonly StateLog _states = new();
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket _sender = null!;

    [SetUp]
    public void SetUp() => _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    [TearDown]
    public void TearDown() => _sender.Dispose();

    private IObserver<IngestDiagnostic> Diagnostics => Observer.Create<IngestDiagnostic>(d =>
    {
        lock (_gate)
        {
            _diagnostics.Add(d);
        }
    });

    private UdpSourceOptions Options(int maxDatagramBytes = UdpSourceOptions.DefaultMaxDatagramBytes) => new()
    {
        MaxDatagramBytes = maxDatagramBytes,
        Diagnostics = Diagnostics,
        StateChanged = _states.Callback,
        Bound = _bound.SetResult,
    };

    private IObservable<ReadOnlySequence<byte>> Loopback(UdpSourceOptions options) =>
        ByteSources.FromUdp(new IPEndPoint(IPAddress.Loopback, 0), "udp-test", options);

    /// <summary>Subscribes the source through the real line framing; returns where it listens.</summary>
    private async Task<(IDisposable Subscription, IPEndPoint At)> FrameAsync(IObservable<ReadOnlySequence<byte>> source)
    {
        var subscription = source
            .FrameLines("udp-test", new FramingOptions { Diagnostics = Diagnostics })
            .Subscribe(
                line =>
                {
                    lock (_gate)
                    {
                        _lines.Add(CollectedLine.From(line));
                    }
                },
                error => _failed.TrySetResult(error));
        return (subscription, await Wait.ForAsync(_bound.Task, "the socket to be bound"));
    }

    private void Send(IPEndPoint to, string text) => Send(to, Encoding.UTF8.GetBytes(text));

    private void Send(IPEndPoint to, byte[] datagram) => _sender.SendTo(datagram, to);

    private List<CollectedLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    private List<IngestDiagnostic> Diagnosed
    {
        get
        {
            lock (_gate)
            {
                return [.. _diagnostics];
            }
        }
    }

    private Task LinesArriveAsync(string last) =>
        Wait.UntilAsync(() => Lines.Any(l => l.Text == last), () => $"line '{last}' never arrived; got [{string.Join(", ", Lines.Select(l => l.Text))}]");

    [Test]
    public async Task SeveralLinesInOneDatagram_AndADatagramWithoutNewline_AreSeparateNumberedLines()
    {
        var (subscription, at) = await FrameAsync(Loopback(Options()));
        using (subscription)
        {
            Send(at, "a1\na2\r\na3\n");
            Send(at, "b1");
            Send(at, "c1\nc2");
            Send(at, "d1\n");
            await LinesArriveAsync("d1");

            Assert.That(Lines.Select(l => (l.Text, l.Number)), Is.EqualTo(new[]
            {
                ("a1", 1L), ("a2", 2L), ("a3", 3L), ("b1", 4L), ("c1", 5L), ("c2", 6L), ("d1", 7L),
            }));
            Assert.That(Diagnosed, Is.Empty);
        }
    }

    [Test]
    public async Task DatagramLargerThanTheBuffer_IsOneNumberedDiagnostic_AndTheStreamGoesOn()
    {
        var (subscription, at) = await FrameAsync(Loopback(Options(maxDatagramBytes: 1024)));
        using (subscription)
        {
            Send(at, "before\n");
            Send(at, "{\"type\":\"stats\",\"pad\":\"" + new string('x', 3000) + "\"}\n");
            Send(at, "after1\nafter2\n");
            await LinesArriveAsync("after2");

            Assert.That(Lines.Select(l => (l.Text, l.Number)), Is.EqualTo(new[] { ("before", 1L), ("after1", 3L), ("after2", 4L) }));
            var diagnostic = Diagnosed.Single();
            Assert.That((diagnostic.Reason, diagnostic.Source, diagnostic.LineNumber), Is.EqualTo((DiagnosticReason.DatagramTruncated, "udp-test", 2L)));
            Assert.That(diagnostic.Detail, Does.Contain("datagram 2").And.Contain("1024-byte"));
            Assert.That(diagnostic.Excerpt, Does.StartWith("{\"type\":\"stats\""));
            Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Rejected));
        }
    }

    [Test]
    public async Task OversizedDatagramsInARow_AreEachReported_AndTheNextOneIsTakenWhole()
    {
        var (subscription, at) = await FrameAsync(Loopback(Options(maxDatagramBytes: 1024)));
        using (subscription)
        {
            Send(at, new string('a', 3000) + "\n");
            Send(at, new string('b', 5000));
            Send(at, new string('c', 1000) + "\n");
            Send(at, "last\n");
            await LinesArriveAsync("last");

            Assert.That(Lines.Select(l => (l.Text, l.Number)), Is.EqualTo(new[] { (new string('c', 1000), 3L), ("last", 4L) }));
            Assert.That(Diagnosed.Select(d => (d.Reason, d.LineNumber)), Is.EqualTo(new[] { (DiagnosticReason.DatagramTruncated, 1L), (DiagnosticReason.DatagramTruncated, 2L) }));
            Assert.That(Diagnosed[1].Detail, Does.Contain("datagram 2"));
        }
    }

    [Test]
    public async Task DatagramOfExactlyTheBufferSize_IsTakenWhole()
    {
        var (subscription, at) = await FrameAsync(Loopback(Options(maxDatagramBytes: 1024)));
        using (subscription)
        {
            var exact = new string('y', 1024);
            Send(at, exact);
            Send(at, "next\n");
            await LinesArriveAsync("next");

            Assert.That(Lines.Select(l => (l.Text, l.Number)), Is.EqualTo(new[] { (exact, 1L), ("next", 2L) }));
            Assert.That(Diagnosed, Is.Empty);
        }
    }

    [Test]
    public async Task BinaryGarbage_IsRejectedWithSourceAndLine_AndTheEventsAroundItAreParsed()
    {
        var recording = File.ReadLines(Parse.RepoFile("samples", "recordings", "freeplay.jsonl")).Take(3).ToArray();
        var events = Loopback(Options()).ToEvents("udp-test", new FramingOptions { Diagnostics = Diagnostics }, new ParseOptions { Diagnostics = Diagnostics });
        using var subscription = events.Subscribe(e =>
        {
            lock (_gate)
            {
                _events.Add(e);
            }
        });
        var at = await Wait.ForAsync(_bound.Task, "the socket to be bound");

        Send(at, recording[0]);
        Send(at, [0xFF, 0xFE, 0x00, 0xC3, (byte)'\n', 0x80, 0x81]);
        Send(at, new byte[] { 0x7B, 0x22 }.Concat(Encoding.UTF8.GetBytes(recording[1][2..] + "\n" + recording[2])).ToArray());
        await Wait.UntilAsync(() => { lock (_gate) { return _events.Count == 3; } }, () => $"3 events, got {_events.Count}");

        Assert.That(Diagnosed.Select(d => (d.Reason, d.Source, d.LineNumber)), Is.EqualTo(new[]
        {
            (DiagnosticReason.InvalidUtf8, "udp-test", 2L), (DiagnosticReason.InvalidUtf8, "udp-test", 3L),
        }));
        lock (_gate)
        {
            Assert.That(_events.Select(e => e.LineNumber), Is.EqualTo(new[] { 1L, 4L, 5L }));
        }
    }

    [Test]
    public async Task Dispose_ClosesPromptly_ReportsClosed_AndFreesThePort()
    {
        var (subscription, at) = await FrameAsync(Loopback(Options()));
        await _states.WaitForAsync(SourceState.Open);
        Send(at, "x\n");
        await LinesArriveAsync("x");

        subscription.Dispose();

        await _states.WaitForAsync(SourceState.Closed);
        Assert.That(_states.States, Is.EqualTo(new[] { SourceState.Open, SourceState.Closed }));
        await Wait.UntilAsync(() => CanBind(at), () => $"{at} still bound after dispose");
    }

    [Test]
    public async Task NonLoopbackAddress_FailsUnlessAllowed()
    {
        var source = ByteSources.FromUdp(new IPEndPoint(IPAddress.Any, 0), "udp://0.0.0.0:0", Options());
        using var subscription = source.Subscribe(_ => { }, error => _failed.TrySetResult(error));

        var error = await Wait.ForAsync(_failed.Task, "the source to fail");

        Assert.That(error.Message, Does.Contain("udp://0.0.0.0:0").And.Contain("not a loopback address"));
        Assert.That(_states.States, Is.EqualTo(new[] { SourceState.Failed }));
    }

    [Test]
    public async Task AllowRemote_BindsEveryInterface()
    {
        var (subscription, at) = await FrameAsync(ByteSources.FromUdp(new IPEndPoint(IPAddress.Any, 0), "any", Options() with { AllowRemote = true }));
        using (subscription)
        {
            Send(new IPEndPoint(IPAddress.Loopback, at.Port), "via-any\n");
            await LinesArriveAsync("via-any");
            Assert.That(at.Address, Is.EqualTo(IPAddress.Any));
        }
    }

    [Test]
    public async Task PortInUse_FailsWithAMessageNamingTheSource()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var name = $"udp://127.0.0.1:{port}";

        using var subscription = ByteSources.FromUdp(new IPEndPoint(IPAddress.Loopback, port), name, Options())
            .Subscribe(_ => { }, error => _failed.TrySetResult(error));
        var error = await Wait.ForAsync(_failed.Task, "the source to fail");

        Assert.That(error, Is.TypeOf<IOException>());
        Assert.That(error.Message, Does.StartWith($"Cannot listen on {name}:"));
        Assert.That(_states.States, Is.EqualTo(new[] { SourceState.Failed }));
    }

    [Test]
    public async Task LiveSourcesOpen_ReadsAUdpAddress()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();
        var name = $"udp://127.0.0.1:{port}";

        Assert.That(LiveSources.Detect(name), Is.EqualTo(SourceKind.Udp));
        var (subscription, at) = await FrameAsync(LiveSources.Open(name, udp: Options()));
        using (subscription)
        {
            Send(at, "hello");
            await LinesArriveAsync("hello");
            Assert.That(at.Port, Is.EqualTo(port));
        }
    }

    [Test]
    public void LiveSourcesOpen_NonLoopbackAddress_Throws() =>
        Assert.That(() => LiveSources.Open("udp://192.0.2.7:34200"), Throws.ArgumentException.With.Message.Contains("--udp-allow-remote"));

    private static bool CanBind(IPEndPoint at)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(at);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
