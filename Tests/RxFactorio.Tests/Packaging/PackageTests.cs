using System.Globalization;
using System.Text.RegularExpressions;
using RxFactorio.RunLog;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Packaging;

/// <summary>
/// What a .NET developer does with our packages: both are packed into a local folder feed, a fresh
/// project outside the repository references <c>RxFactorio</c> from that feed (and the NuGet
/// sources this machine is configured with, for its dependencies) and compiles the README's
/// embedding example, taken from README.md itself, and runs it on a real FIFO; the
/// <c>RxFactorio.Cli</c> tool is installed from the feed and its <c>--help</c> and
/// <c>validate</c> run. Each run packs a version of its own, removed from the NuGet cache after.
/// </summary>
[NonParallelizable]
public sealed partial class PackageTests
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(6);

    private string _root = "";
    private string _feed = "";
    private string _version = "";

    [OneTimeSetUp]
    public async Task PackBothIntoALocalFeed()
    {
        _root = Directory.CreateTempSubdirectory("rxf-packaging-").FullName;
        _feed = Path.Combine(_root, "feed");
        _version = "0.0.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        foreach (var project in new[] { "Source/RxFactorio/RxFactorio.csproj", "Source/RxFactorio.Cli/RxFactorio.Cli.csproj" })
        {
            var pack = await Dotnet(Parse.RepoFile(), "pack", Parse.RepoFile(project), "-c", "Release", "-o", _feed,
                "-p:Version=" + _version, "-p:ContinuousIntegrationBuild=true", "-nodeReuse:false");
            Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output);
        }
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rxfactorio-local" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
    }

    [OneTimeTearDown]
    public void RemoveThisRunsPackages()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "rxfactorio", "rxfactorio.cli" })
        {
            var folder = Path.Combine(cache, id, _version);
            if (_version.Length > 0 && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        if (_root.Length > 0 && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public void BothPackages_HoldTheReadmeXmlDocsAndSymbols()
    {
        using var library = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_feed, $"RxFactorio.{_version}.nupkg"));
        Assert.That(library.Entries.Select(e => e.FullName), Is.SupersetOf(new[] { "README.md", "lib/net10.0/RxFactorio.Core.dll", "lib/net10.0/RxFactorio.Core.xml" }));
        using var tool = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_feed, $"RxFactorio.Cli.{_version}.nupkg"));
        Assert.That(tool.Entries.Select(e => e.FullName), Has.Member("README.md"));
        Assert.That(tool.Entries.Select(e => e.FullName), Has.Some.EndsWith("/rxfactorio.dll"));
        Assert.That(Nuspec(library), Does.Contain("<readme>README.md</readme>"), "nuget.org shows the library's README");
        Assert.That(Nuspec(tool), Does.Contain("<readme>README.md</readme>"), "nuget.org shows the tool's README");
        Assert.That(Nuspec(tool), Does.Contain("<packageType name=\"DotnetTool\" />"));
        using var librarySymbols = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_feed, $"RxFactorio.{_version}.snupkg"));
        Assert.That(librarySymbols.Entries.Select(e => e.FullName), Has.Member("lib/net10.0/RxFactorio.Core.pdb"));
        using var toolSymbols = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_feed, $"RxFactorio.Cli.{_version}.snupkg"));
        Assert.That(toolSymbols.Entries.Select(e => e.FullName), Has.Some.EndsWith("/rxfactorio.pdb"));
    }

    private static string Nuspec(System.IO.Compression.ZipArchive package)
    {
        using var reader = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    [Test]
    public async Task ReadmeEmbeddingExample_BuiltAgainstThePackage_TurnsAFifoIntoTheSameRunsAsTheTool()
    {
        var app = Path.Combine(_root, "embedding");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Embedding.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RxFactorio" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeEmbeddingExample());
        var build = await Dotnet(app, "build", "-nodeReuse:false");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);

        var recording = Parse.RepoFile("samples", "recordings", "two-sessions.jsonl");
        var expected = await RunsTheToolMakes(recording);
        var fifo = Path.Combine(app, "events.pipe");
        using var embedded = ChildProcess.Start("dotnet", [Path.Combine(app, "bin", "Debug", "net10.0", "Embedding.dll"), fifo], app);
        await WaitUntil(() => File.Exists(fifo), "the example creates the FIFO", embedded);
        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            await using var source = File.OpenRead(recording);
            await source.CopyToAsync(writer);
        }
        // Rows reach the run log a batch window (5 s) after their cycle: wait for every one, then Ctrl+C.
        await WaitUntil(() => RowsSoFar(Path.Combine(app, "wandb")) == expected.Sum(r => r.Rows),
            $"the example's run logs hold the {expected.Sum(r => r.Rows)} rows the tool writes", embedded);
        await embedded.SignalAsync("INT");
        var result = await embedded.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
        var runs = Summaries(Path.Combine(app, "wandb"));
        Assert.That(runs, Is.EqualTo(expected), "runs (session, rows, last step, finished) of the embedded example vs rxfactorio replay");
        Assert.That(runs, Has.Count.EqualTo(2));
        Assert.That(runs.All(r => r.Finished), "Ctrl+C finished every run");
    }

    [Test]
    public async Task Tool_InstalledFromTheFeed_ShowsHelpAndValidatesARecording()
    {
        var tools = Path.Combine(_root, "tools");
        var install = await Dotnet(_root, "tool", "install", "--tool-path", tools, "--version", _version, "RxFactorio.Cli");
        Assert.That(install.ExitCode, Is.EqualTo(0), install.Output);
        var rxfactorio = Path.Combine(tools, OperatingSystem.IsWindows() ? "rxfactorio.exe" : "rxfactorio");
        var environment = new Dictionary<string, string> { ["DOTNET_ROOT"] = DotnetRoot() };

        var help = await ChildProcess.RunAsync(rxfactorio, ["--help"], _root, TimeSpan.FromMinutes(1), environment);
        Assert.That(help.ExitCode, Is.EqualTo(0), help.Output);
        Assert.That(help.Output, Does.Contain("run").And.Contain("replay").And.Contain("validate").And.Contain("sync"));

        var validate = await ChildProcess.RunAsync(rxfactorio, ["validate", Parse.RepoFile("samples", "recordings", "freeplay.jsonl")], _root, TimeSpan.FromMinutes(1), environment);
        Assert.That(validate.ExitCode, Is.EqualTo(0), validate.Output);
        Assert.That(validate.Output, Does.Contain("events     310 (session_init 1, stats 300, event 9)"));
        Assert.That(validate.Output, Does.Contain("rejected   0 lines"));
    }

    /// <summary>The one <c>csharp</c> block of README.md's "Embedding the library" section, verbatim.</summary>
    private static string ReadmeEmbeddingExample()
    {
        var readme = File.ReadAllText(Parse.RepoFile("README.md"));
        var section = readme[readme.IndexOf("\n## Embedding the library", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var block = CSharpBlock().Match(section);
        Assert.That(block.Success, "README.md's Embedding section has a csharp block");
        return block.Groups[1].Value;
    }

    private sealed record RunSummary(string Session, int Rows, long? LastStep, bool Finished);

    /// <summary>What the repository's own <c>rxfactorio replay --mode offline</c> writes for the recording.</summary>
    private async Task<List<RunSummary>> RunsTheToolMakes(string recording)
    {
        var dir = Path.Combine(_root, "replay");
        Directory.CreateDirectory(dir);
        var replay = await CliProcess.RunAsync(["replay", "--mode", "offline", "--dir", dir, recording], timeout: TimeSpan.FromMinutes(2));
        Assert.That(replay.ExitCode, Is.EqualTo(0), replay.Output + replay.Error);
        var runs = Summaries(Path.Combine(dir, "wandb"));
        Assert.That(runs, Has.Count.EqualTo(2), "two sessions, two runs");
        return runs;
    }

    private static List<RunSummary> Summaries(string wandbDirectory)
    {
        if (!Directory.Exists(wandbDirectory))
        {
            return [];
        }
        return OfflineLayout.FindLogs(wandbDirectory)
            .Select(RunLogReader.Read)
            .Select(run => new RunSummary(
                run.Config.FirstOrDefault(kv => kv.Key == "session_id").Value ?? "?",
                run.History.Count,
                run.History.Count > 0 ? run.History[^1].Step : null,
                run.IsFinished))
            .OrderBy(r => r.Session, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Rows in the run logs while they are being written; a log just created may not have its header yet.</summary>
    private static int RowsSoFar(string wandbDirectory)
    {
        try
        {
            return Summaries(wandbDirectory).Sum(r => r.Rows);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return -1;
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string what, ChildProcess process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}; output:\n{process.Output}");
            }
            await Task.Delay(100);
        }
    }

    private static Task<ChildProcess.Result> Dotnet(string workingDirectory, params string[] args) =>
        ChildProcess.RunAsync("dotnet", args, workingDirectory, DotnetTimeout);

    /// <summary>The folder of the running .NET (…/shared/Microsoft.NETCore.App/&lt;version&gt; → its root), for the tool's launcher.</summary>
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
