using RxFactorio.RunLog;
using RxFactorio.Runs;

namespace RxFactorio.Tests.RunLog;

/// <summary>A run log written to memory (the start-up warm-up's) has the bytes the same records get in a file.</summary>
public sealed class RunLogWriterOverTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static void WriteRun(RunLogWriter writer)
    {
        var run = new RunInfo { RunId = "abc123xy", DisplayName = "freeplay_42", Key = new RunKey("pipe", "freeplay", 1), StartTick = 216000 };
        writer.WriteRun(run, Start);
        for (var step = 1; step <= 300; step++)
        {
            writer.WriteHistory(new HistoryRow(step, step * 120, step * 2.0, Start.AddSeconds(step),
                [new("production/iron-plate", step / 7.0), new("consumption/coal", step * 1e-7), new("tick", step * 120)]));
        }
        writer.WriteOutput("[tick 240] on_built_entity inserter", Start);
        writer.WriteSummary([new("production/iron-plate", 0.5)]);
        writer.WriteExit();
        writer.WriteFinal();
    }

    [Test]
    public void ALogWrittenToMemory_HasTheBytesOfTheSameLogInAFile()
    {
        using var directory = new TempDirectory();
        var path = directory.File("run-abc123xy.wandb");
        using (var file = RunLogWriter.Create(path))
        {
            WriteRun(file);
        }
        using var memory = new MemoryStream();
        using (var inMemory = RunLogWriter.Over(memory))
        {
            WriteRun(inMemory);
        }

        Assert.That(memory.ToArray(), Is.EqualTo(File.ReadAllBytes(path)));
    }
}
