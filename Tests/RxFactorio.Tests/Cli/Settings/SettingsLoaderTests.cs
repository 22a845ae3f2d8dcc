using RxFactorio.Cli.Settings;

namespace RxFactorio.Tests.Cli.Settings;

public sealed class SettingsLoaderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-settings-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private CliSettings Load(Dictionary<string, string?> flags, Dictionary<string, string> environment)
    {
        var config = SettingsLoader.Build(null, flags, environment, _dir);
        return SettingsLoader.Load(config, _dir);
    }

    [Test]
    public void Precedence_FileThenEnvironmentThenFlags()
    {
        File.WriteAllText(Path.Combine(_dir, "rxfactorio.json"), """{"wandb":{"project":"from-file","entity":"file-entity","group":"file-group"},"runs":{"idleTimeout":"2m"}}""");

        var fileOnly = Load([], []);
        var withEnv = Load([], new() { ["WANDB_PROJECT"] = "from-env", ["RXFACTORIO_RUNS__IDLETIMEOUT"] = "3m" });
        var withFlags = Load(new() { ["wandb:project"] = "from-flag" }, new() { ["WANDB_PROJECT"] = "from-env" });

        Assert.That((fileOnly.Wandb.Project, fileOnly.Wandb.Entity, fileOnly.Runs.IdleTimeout), Is.EqualTo(("from-file", "file-entity", TimeSpan.FromMinutes(2))));
        Assert.That((withEnv.Wandb.Project, withEnv.Wandb.Entity, withEnv.Runs.IdleTimeout), Is.EqualTo(("from-env", "file-entity", TimeSpan.FromMinutes(3))));
        Assert.That((withFlags.Wandb.Project, withFlags.Wandb.Group), Is.EqualTo(("from-flag", "file-group")));
    }

    [Test]
    public void Defaults_WithoutAnyLayer()
    {
        var settings = Load([], []);

        Assert.That(settings.Wandb.Project, Is.EqualTo("factorio-experiments"));
        Assert.That(settings.Wandb.Entity, Is.Null);
        Assert.That(settings.Wandb.BaseUrl, Is.EqualTo(new Uri("https://api.wandb.ai")));
        Assert.That(settings.Mode, Is.Null);
        Assert.That(settings.Runs.IdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(settings.Directory, Is.EqualTo(_dir));
    }

    [Test]
    public void BadValue_NamesTheSettingAndWhereItCameFrom()
    {
        File.WriteAllText(Path.Combine(_dir, "rxfactorio.json"), """{"runs":{"every":"many"}}""");

        Assert.That(() => Load([], []), Throws.TypeOf<SettingsError>().With.Message.Contains("runs:every").And.Message.Contains("rxfactorio.json").And.Message.Contains("many"));
        File.Delete(Path.Combine(_dir, "rxfactorio.json"));
        Assert.That(() => Load([], new() { ["WANDB_MODE"] = "loud" }), Throws.TypeOf<SettingsError>().With.Message.Contains("wandb:mode").And.Message.Contains("WANDB_*"));
        Assert.That(() => Load(new() { ["runs:batchWindow"] = "0s" }, []), Throws.TypeOf<SettingsError>().With.Message.Contains("runs:batchWindow").And.Message.Contains("command-line flags"));
    }

    [Test]
    public void ScreenshotSettings_DefaultToTheSourcesFolderAndOneAMinute_AndARelativeScriptOutputIsFromTheWorkingDirectory()
    {
        var defaults = Load([], []);
        var set = Load(new() { ["screenshots:scriptOutput"] = "game/script-output" }, new() { ["RXFACTORIO_SCREENSHOTS__INTERVAL"] = "0" });

        Assert.That((defaults.ScriptOutput, defaults.ScreenshotInterval), Is.EqualTo(((string?)null, TimeSpan.FromSeconds(60))));
        Assert.That((set.ScriptOutput, set.ScreenshotInterval), Is.EqualTo((Path.Combine(_dir, "game", "script-output"), TimeSpan.Zero)));
        Assert.That(() => Load(new() { ["screenshots:interval"] = "-5s" }, []),
            Throws.TypeOf<SettingsError>().With.Message.Contains("screenshots:interval").And.Message.Contains("command-line flags"));
    }

    [Test]
    public void RxfactorioVariables_AreNamedInErrors()
    {
        Assert.That(() => Load([], new() { ["RXFACTORIO_RUNS__MAXBATCHROWS"] = "lots" }),
            Throws.TypeOf<SettingsError>().With.Message.Contains("runs:maxBatchRows").And.Message.Contains("RXFACTORIO_"));
    }

    [Test]
    public void PlainHttpToARemoteHost_IsRefusedUnlessAllowed()
    {
        Assert.That(() => Load([], new() { ["WANDB_BASE_URL"] = "http://wandb.example.com" }), Throws.TypeOf<SettingsError>());
        Assert.That(Load(new() { ["wandb:allowInsecureHttp"] = "true" }, new() { ["WANDB_BASE_URL"] = "http://wandb.example.com" }).Wandb.BaseUrl.Host, Is.EqualTo("wandb.example.com"));
    }

    [TestCase("15m", 900)]
    [TestCase("5s", 5)]
    [TestCase("250ms", 0.25)]
    [TestCase("1h", 3600)]
    [TestCase("0", 0)]
    [TestCase("00:00:30", 30)]
    public void Durations_ParseAsPeopleWriteThem(string text, double seconds)
    {
        Assert.That(Durations.TryParse(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }
}
