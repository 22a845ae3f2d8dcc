using RxFactorio.FakeWandb;

namespace RxFactorio.Tests.Support;

/// <summary>
/// The set-up every child-process test against the fake W&amp;B server shares: a server on
/// 127.0.0.1 and a scratch folder per test, and the environment that points the real
/// <c>rxfactorio</c> at them (no mode, project or entity from the machine, no netrc).
/// </summary>
public abstract class FakeWandbCliTest(string folderPrefix)
{
    /// <summary>The fake W&amp;B server of the current test.</summary>
    protected FakeWandbServer Server { get; private set; } = null!;

    /// <summary>The current test's scratch folder (also <c>WANDB_DIR</c>).</summary>
    protected string Dir { get; private set; } = "";

    [SetUp]
    public async Task StartServerAndFolder()
    {
        Server = await FakeWandbServer.StartAsync();
        Dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
    }

    [TearDown]
    public async Task StopServerAndFolder()
    {
        await Server.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>The child's environment: online to the fake (or to <paramref name="baseUrl"/> with <paramref name="key"/>).</summary>
    protected Dictionary<string, string?> Online(string? baseUrl = null, string? key = null) =>
        EnvironmentFor(baseUrl ?? Server.BaseUrl.ToString().TrimEnd('/'), key ?? Server.ApiKey, Dir);

    /// <summary>
    /// The environment of a real <c>rxfactorio</c> child: online to <paramref name="server"/>, or with no
    /// key at all (offline) when it is null; <c>WANDB_DIR</c> is <paramref name="dir"/>; no mode, project,
    /// entity or netrc from the machine.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentFor(FakeWandbServer? server, string dir) =>
        EnvironmentFor(server?.BaseUrl.ToString().TrimEnd('/'), server?.ApiKey, dir);

    private static Dictionary<string, string?> EnvironmentFor(string? baseUrl, string? key, string dir) => new()
    {
        ["WANDB_BASE_URL"] = baseUrl,
        ["WANDB_API_KEY"] = key,
        ["WANDB_MODE"] = null,
        ["WANDB_PROJECT"] = null,
        ["WANDB_ENTITY"] = null,
        ["WANDB_DIR"] = dir,
        ["NETRC"] = "/nonexistent/netrc",
    };
}
