using System.Text;
using System.Text.RegularExpressions;
using RxFactorio.Wandb;

namespace RxFactorio.RunLog;

/// <summary>
/// Writes a run folder's <c>files/</c> as wandb-core does (core/internal/stream/sender.go, handler.go):
/// <c>wandb-metadata.json</c>, <c>config.yaml</c>, <c>wandb-summary.json</c>, <c>output.log</c>.
/// Every file but <c>output.log</c> is replaced whole (a temporary file, then a rename), so a crash
/// never leaves half a file; <see cref="RebuildFromLog"/> writes config, summary and output again from
/// the run log, which is the truth after a crash and a restart.
/// </summary>
internal static partial class RunFiles
{
    /// <summary>The environment snapshot (core/internal/stream/handler.go <c>MetaFileName</c>).</summary>
    public const string Metadata = "wandb-metadata.json";

    /// <summary>The config (<c>ConfigFileName</c>).</summary>
    public const string Config = "config.yaml";

    /// <summary>The summary (<c>SummaryFileName</c>).</summary>
    public const string Summary = "wandb-summary.json";

    /// <summary>The console output (core/internal/runconsolelogs <c>ConsoleFileName</c>).</summary>
    public const string Output = "output.log";

    /// <summary>The files a finished run uploads, in upload order.</summary>
    public static readonly IReadOnlyList<string> All = [Metadata, Config, Summary, Output];

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <c>wandb-metadata.json</c> (see <see cref="RunMetadata"/>).</summary>
    public static void WriteMetadata(RunFolder folder, string json) =>
        WriteAtomically(folder.MetadataFile, "write the run metadata", Utf8.GetBytes(json));

    /// <summary>
    /// <c>config.yaml</c> as wandb-core's <c>RunConfig.Serialize(FormatYaml)</c> (core/internal/runconfig/runconfig.go,
    /// gopkg.in/yaml.v3): every top-level key wrapped as <c>{value: …}</c>, keys sorted, 4-space indent; no
    /// <c>desc</c> and no <c>wandb_version</c> (the legacy Python writer's). Values are JSON text, which YAML reads as the same values.
    /// </summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="config">Key and JSON text of each value.</param>
    public static void WriteConfig(RunFolder folder, IEnumerable<KeyValuePair<string, string>> config)
    {
        var text = new StringBuilder();
        foreach (var (key, json) in config.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append(PlainKey().IsMatch(key) ? key : RunLogJson.String(key)).Append(":\n");
            text.Append("    value: ").Append(json).Append('\n');
        }
        WriteAtomically(folder.ConfigFile, "write the run config", Utf8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// <c>wandb-summary.json</c>: the whole summary as one compact JSON object, the same text as the
    /// summary line file_stream carries (<see cref="WandbJsonLines.SummaryLine"/>, with <c>_wandb.runtime</c>),
    /// as wandb-core's <c>RunSummary.Serialize</c> (core/internal/runsummary/runsummary.go).
    /// </summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="summary">The latest number of each key.</param>
    /// <param name="jsonSummary">The latest value of each key that is a JSON object (the run's latest image).</param>
    public static void WriteSummary(RunFolder folder, IReadOnlyList<KeyValuePair<string, double>> summary, IReadOnlyList<KeyValuePair<string, string>> jsonSummary) =>
        WriteAtomically(folder.SummaryFile, "write the run summary", Utf8.GetBytes(WandbJsonLines.SummaryLine(summary, jsonSummary, null)));

    /// <summary>
    /// Appends lines to <c>output.log</c>: the text only, stdout and stderr alike, as wandb-core's
    /// output file writer (core/internal/runconsolelogs/outputfilewriter.go); the <c>ERROR </c> prefix and
    /// the time stamp are only in the file_stream lines.
    /// </summary>
    public static void AppendOutput(RunFolder folder, IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        var split = new List<string>();
        foreach (var line in lines)
        {
            // NOTE: split and trimmed as the log's reader gives the line back (RebuildFromLog), so both write the same file.
            split.Clear();
            RunLogReader.AddLines(split, RunLogJson.WellFormed(line) + "\n");
            foreach (var part in split)
            {
                text.Append(part).Append('\n');
            }
        }
        if (text.Length == 0)
        {
            return;
        }
        PathErrors.Wrap(folder.OutputLog, "append to the run output", () => File.AppendAllText(folder.OutputLog, text.ToString(), Utf8));
    }

    /// <summary>
    /// Writes <c>config.yaml</c>, <c>wandb-summary.json</c> (when the log has a summary) and <c>output.log</c>
    /// again from the run log, so that they hold exactly what the log holds, whatever a crash cut short.
    /// </summary>
    /// <exception cref="IOException">The log cannot be read or a file cannot be written; the message names the path.</exception>
    /// <exception cref="InvalidDataException">The log is not a W&amp;B transaction log.</exception>
    public static void RebuildFromLog(RunFolder folder)
    {
        Directory.CreateDirectory(folder.FilesDirectory);
        var output = Temporary(folder.OutputLog);
        RunLogContents scan;
        try
        {
            using (var writer = new StreamWriter(output, append: false, Utf8))
            {
                writer.NewLine = "\n";
                scan = RunLogReader.Scan(folder.LogFile, (line, _) => writer.WriteLine(RunLogJson.WellFormed(line)));
            }
            PathErrors.Wrap(folder.OutputLog, "write the run output", () => File.Move(output, folder.OutputLog, overwrite: true));
        }
        finally
        {
            File.Delete(output);
        }
        WriteConfig(folder, scan.Config);
        if (scan.Summary.Count > 0)
        {
            WriteSummary(folder, scan.Summary, [.. scan.SummaryJson]);
        }
    }

    /// <summary>
    /// What <see cref="RebuildFromLog"/> would write, for a log the sink wrote whole in this process: its
    /// <c>config.yaml</c> (written at the start) and <c>output.log</c> (appended as the lines came) are
    /// already what the log holds, so only <c>wandb-summary.json</c> is written, from <paramref name="summary"/>.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names the path.</exception>
    public static void CompleteFromMemory(RunFolder folder, SummaryFold summary)
    {
        Directory.CreateDirectory(folder.FilesDirectory);
        if (!File.Exists(folder.OutputLog))
        {
            PathErrors.Wrap(folder.OutputLog, "write the run output", () => File.WriteAllBytes(folder.OutputLog, []));
        }
        var numbers = summary.Numbers;
        if (numbers.Count > 0)
        {
            WriteSummary(folder, numbers, [.. summary.Json]);
        }
    }

    private static void WriteAtomically(string path, string doing, byte[] bytes)
    {
        // NOTE: a temporary name of its own per write: the sink and a shipper may rebuild the same files at once.
        var temporary = Temporary(path);
        PathErrors.Wrap(path, doing, () =>
        {
            try
            {
                File.WriteAllBytes(temporary, bytes);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        });
    }

    private static string Temporary(string path) => $"{path}.{Path.GetRandomFileName()}.tmp";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();
}
