using System.Net;
using RxFactorio.Sources;

namespace RxFactorio.Tests.Sources;

/// <summary>Reading <c>udp://HOST:PORT</c>: what is accepted, and the one-line reason for what is not.</summary>
public sealed class UdpAddressTests
{
    [TestCase("udp://127.0.0.1:34200", "127.0.0.1", 34200)]
    [TestCase("UDP://127.0.0.2:1", "127.0.0.2", 1)]
    [TestCase("udp://localhost:65535", "127.0.0.1", 65535)]
    [TestCase("udp://[::1]:34200", "::1", 34200)]
    public void Loopback_IsAccepted(string text, string address, int port)
    {
        Assert.That(UdpAddress.TryParse(text, allowRemote: false, out var endpoint, out var error), Is.True, error);
        Assert.That(endpoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
    }

    [TestCase("udp://127.0.0.1", "has no port")]
    [TestCase("udp://[::1]", "has no port")]
    [TestCase("udp://127.0.0.1:0", "bad port '0'")]
    [TestCase("udp://127.0.0.1:65536", "bad port '65536'")]
    [TestCase("udp://127.0.0.1:-5", "bad port '-5'")]
    [TestCase("udp://127.0.0.1:34200/x", "bad port '34200/x'")]
    [TestCase("udp://127.1:34200", "bad host '127.1'")]
    [TestCase("udp://game.example:34200", "bad host 'game.example'")]
    [TestCase("udp://:34200", "bad host ''")]
    [TestCase("udp://192.0.2.7:34200", "not a loopback address")]
    [TestCase("udp://0.0.0.0:34200", "not a loopback address")]
    [TestCase("udp://[::]:34200", "not a loopback address")]
    public void Invalid_IsRefusedWithItsReason(string text, string reason)
    {
        Assert.That(UdpAddress.TryParse(text, allowRemote: false, out var endpoint, out var error), Is.False);
        Assert.That(endpoint, Is.Null);
        Assert.That(error, Does.Contain($"'{text}'").And.Contain(reason));
        Assert.That(error, Does.Not.Contain('\n'));
    }

    [TestCase("udp://0.0.0.0:34200")]
    [TestCase("udp://192.0.2.7:34200")]
    public void NonLoopback_IsAcceptedWhenAllowed(string text) =>
        Assert.That(UdpAddress.TryParse(text, allowRemote: true, out _, out var error), Is.True, error);
}
