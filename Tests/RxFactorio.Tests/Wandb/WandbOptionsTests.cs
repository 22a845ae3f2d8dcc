using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class WandbOptionsTests
{
    [Test]
    public void Defaults_AreValid_AndMatchTheProtocol()
    {
        var o = new WandbOptions();
        Assert.That(o.GetValidationErrors(), Is.Empty);
        Assert.That(o.BaseUrl, Is.EqualTo(new Uri("https://api.wandb.ai")));
        Assert.That(o.Project, Is.EqualTo("factorio-experiments"));
        Assert.That(o.Entity, Is.Null);
        Assert.That(o.HeartbeatInterval, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(o.MaxLineBytes, Is.EqualTo(10_383_360));
        Assert.That(o.MaxRequestBytes, Is.LessThan(10 << 20));
        Assert.That((o.RetryBaseDelay, o.RetryMaxDelay), Is.EqualTo((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60))));
    }

    [TestCase("http://127.0.0.1:8080", false, true)]
    [TestCase("http://localhost:8080", false, true)]
    [TestCase("http://[::1]:8080", false, true)]
    [TestCase("http://wandb.internal", false, false)]
    [TestCase("http://wandb.internal", true, true)]
    [TestCase("https://app.wandb.ai", false, false)]
    [TestCase("http://api.wandb.ai", true, false)]
    [TestCase("ftp://wandb.internal", false, false)]
    public void BaseUrl_PlainHttpOnlyToLoopback(string url, bool allowInsecure, bool valid)
    {
        var errors = new WandbOptions { BaseUrl = new Uri(url), AllowInsecureHttp = allowInsecure }.GetValidationErrors();
        Assert.That(errors, valid ? Is.Empty : Is.Not.Empty);
    }

    [Test]
    public void Validate_ListsEveryProblemClearly()
    {
        var o = new WandbOptions { Project = "a/b", Tags = ["", new string('t', 65)], MaxRequestBytes = 20 << 20, HeartbeatInterval = TimeSpan.Zero };

        var e = Assert.Throws<ArgumentException>(() => o.Validate());

        Assert.That(e!.Message, Does.Contain("Project 'a/b'").And.Contain("1 to 64").And.Contain("MaxRequestBytes").And.Contain("HeartbeatInterval"));
    }
}
