using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public class NetrcAndKeyTests
{
    private const string Key = "netrc-key-0123456789abcdef0123456789abcdef0123";

    [Test]
    public void Netrc_ParsesMachinesDefaultCommentsAndQuotes()
    {
        var text = """
            # a comment line
            machine api.wandb.ai
              login user
              password p1   # trailing comment
            machine localhost:8080 login "the user" password "p w\"2"
            macdef init
            cd /tmp
            machine inside-macro password nope

            default login anon password p3
            """;

        var entries = NetrcParser.Parse(text);

        Assert.That(entries.Select(e => e.Machine), Is.EqualTo(new[] { "api.wandb.ai", "localhost:8080", null }));
        Assert.That(entries[0], Is.EqualTo(new NetrcEntry("api.wandb.ai", "user", "p1", null)));
        Assert.That(entries[1].Login, Is.EqualTo("the user"));
        Assert.That(entries[1].Password, Is.EqualTo("p w\"2"));
        Assert.That(NetrcParser.Find(entries, "API.WANDB.AI")!.Password, Is.EqualTo("p1"));
        Assert.That(NetrcParser.Find(entries, "elsewhere")!.Password, Is.EqualTo("p3"));
    }

    [Test]
    public void Netrc_SingleLineAndNoMatchWithoutDefault()
    {
        var entries = NetrcParser.Parse("machine a.example login x password s3cr3t machine b.example password z");
        Assert.That(NetrcParser.Find(entries, "b.example")!.Password, Is.EqualTo("z"));
        Assert.That(NetrcParser.Find(entries, "c.example"), Is.Null);
        Assert.That(entries[0].ToString(), Does.Not.Contain("s3cr3t"));
    }

    [Test]
    public void Resolve_EnvironmentVariableWins()
    {
        var resolver = Resolver(new() { ["WANDB_API_KEY"] = "env-key", ["HOME"] = "/home/u" }, new() { ["/home/u/.netrc"] = $"machine api.wandb.ai password {Key}" });

        var credentials = resolver.Resolve(WandbOptions.DefaultBaseUrl)!;

        Assert.That(credentials.ApiKey, Is.EqualTo("env-key"));
        Assert.That(credentials.Source, Does.Contain("WANDB_API_KEY"));
    }

    [Test]
    public void Resolve_HomeNetrcForTheBaseHost()
    {
        var resolver = Resolver(new() { ["HOME"] = "/home/u" }, new() { ["/home/u/.netrc"] = $"machine other password x\nmachine api.wandb.ai login user password {Key}\n" });

        Assert.That(resolver.Resolve(WandbOptions.DefaultBaseUrl)!.ApiKey, Is.EqualTo(Key));
    }

    [Test]
    public void Resolve_NetrcVariableNamesTheFile_AndHostWithPortIsTheMachine()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/wandb.netrc"] = $"machine 127.0.0.1:8080 password {Key}\nmachine 127.0.0.1 password wrong",
            ["/home/u/.netrc"] = "default password from-home",
        };
        var resolver = Resolver(new() { ["NETRC"] = "/etc/wandb.netrc", ["HOME"] = "/home/u" }, files);

        Assert.That(resolver.Resolve(new Uri("http://127.0.0.1:8080"))!.ApiKey, Is.EqualTo(Key));
        Assert.That(resolver.Resolve(new Uri("https://127.0.0.1"))!.ApiKey, Is.EqualTo("wrong"));
    }

    [Test]
    public void Resolve_NothingConfigured_IsNull_AndRequiredSaysWhereItLooked()
    {
        var resolver = Resolver(new() { ["HOME"] = "/home/u" }, []);

        Assert.That(resolver.Resolve(WandbOptions.DefaultBaseUrl), Is.Null);
        var e = Assert.Throws<InvalidOperationException>(() => resolver.ResolveRequired(WandbOptions.DefaultBaseUrl));
        Assert.That(e!.Message, Does.Contain("WANDB_API_KEY").And.Contain("/home/u/.netrc").And.Contain("api.wandb.ai"));
    }

    [Test]
    public void Credentials_NeverShowTheKey()
    {
        var credentials = new WandbCredentials(Key, "netrc file /x");
        Assert.That(credentials.ToString(), Does.Not.Contain(Key).And.Not.Contain(Key[..8]));
        Assert.That(credentials.ToString(), Does.Contain("hidden"));

        var bad = Key + " tail";
        var e = Assert.Throws<ArgumentException>(() => _ = new WandbCredentials(bad));
        Assert.That(e!.Message, Does.Not.Contain(Key));
    }

    private static ApiKeyResolver Resolver(Dictionary<string, string> env, Dictionary<string, string> files) =>
        new(name => env.GetValueOrDefault(name), path => files.GetValueOrDefault(path));
}
