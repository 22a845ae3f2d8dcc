using System.Text.Json;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Cli.Validation;

public sealed class ValidateCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rxf-validate-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public async Task Validate_CleanRecording_ExitsZeroAndSummarisesSessions()
    {
        var result = await CliRunner.RunAsync("validate", Parse.RepoFile("samples", "recordings", "two-sessions.jsonl"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("lines      208"));
        Assert.That(result.Output, Does.Contain("events     208 (session_init 2, stats 200, event 6)"));
        Assert.That(result.Output, Does.Contain("freeplay_36000  ticks 36000–47880  cycles 300–399"));
        Assert.That(result.Output, Does.Contain("freeplay_48000  ticks 48000–59880  cycles 400–499"));
        Assert.That(result.Output, Does.Contain("rejected   0 lines"));
    }

    [Test]
    public async Task Validate_RejectedLines_ExitsOneAndListsEachWithReasonAndLineNumber()
    {
        var path = Write("bad.jsonl", """
            {"type":"session_init","session_id":"s","tick":0}
            {"type":"stats","session_id":"s","tick":120}
            not json
            {"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"a":"x"}}
            {"type":"mystery","session_id":"s","tick":1}
            """);

        var result = await CliRunner.RunAsync("validate", path);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("rejected   2 lines; skipped 1; values dropped 1"));
        Assert.That(result.Output, Does.Match(@"MissingField\s+1\s+line 2"));
        Assert.That(result.Output, Does.Match(@"InvalidJson\s+1\s+line 3"));
        Assert.That(result.Output, Does.Match(@"BadMetricValue\s+1\s+line 4"));
        Assert.That(result.Output, Does.Match(@"UnknownEventType\s+1\s+line 5"));
        Assert.That(result.Output, Does.Contain($"{path}:2: MissingField: field 'cycle' is missing"));
    }

    [Test]
    public async Task Validate_OnlySkippedOrDroppedParts_ExitsZero()
    {
        var path = Write("soft.jsonl", """
            {"type":"future_type","session_id":"s","tick":1}
            {"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"a":null}}
            """);

        var result = await CliRunner.RunAsync("validate", path);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
    }

    [Test]
    public async Task Validate_ManyRejectedLines_ListsTheFirstHundredAndCountsTheRest()
    {
        var path = Write("many.jsonl", string.Concat(Enumerable.Repeat("garbage\n", 150)));

        var result = await CliRunner.RunAsync("validate", path);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("InvalidJson           150  lines 1, 2, 3,"));
        Assert.That(result.Output, Does.Contain(", 100 … and 50 more"));
    }

    [Test]
    public async Task Validate_Json_GivesAMachineReadableReport()
    {
        var path = Write("mixed.jsonl", "{\"type\":\"session_init\",\"session_id\":\"s\",\"tick\":0}\n[1]\n");

        var result = await CliRunner.RunAsync("validate", "--json", path);

        using var report = JsonDocument.Parse(result.Output);
        var file = report.RootElement.GetProperty("files")[0];
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(file.GetProperty("lines").GetInt64(), Is.EqualTo(2));
        Assert.That(file.GetProperty("events").GetProperty("session_init").GetInt64(), Is.EqualTo(1));
        Assert.That(file.GetProperty("diagnostics_by_reason").GetProperty("NotAnObject").GetInt64(), Is.EqualTo(1));
        Assert.That(file.GetProperty("diagnostics")[0].GetProperty("line").GetInt64(), Is.EqualTo(2));
        Assert.That(report.RootElement.GetProperty("rejected").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Validate_MissingFile_ExitsTwoNamingThePath()
    {
        var missing = Path.Combine(_dir, "nope.jsonl");

        var result = await CliRunner.RunAsync("validate", missing);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain($"file not found: {missing}"));
    }

    [TestCase("validate")]
    [TestCase("validate", "--bogus", "x.jsonl")]
    [TestCase("validate", "--max-line-bytes", "0", "x.jsonl")]
    [TestCase("frobnicate")]
    public async Task Validate_UsageErrors_ExitTwoWithOneClearLine(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("rxfactorio: "));
    }

    [Test]
    public async Task Validate_AsARealProcess_ReportsAndExitsWithTheRightCode()
    {
        var path = Write("proc.jsonl", "{\"type\":\"session_init\",\"session_id\":\"s\",\"tick\":0}\n{oops\n");

        var result = await CliProcess.RunAsync(["validate", path]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Output, Does.Contain($"{path}:2: InvalidJson"));
    }
}
