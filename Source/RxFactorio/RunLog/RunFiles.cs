using System.Text;
using System.Text.RegularExpressions;

namespace RxFactorio.RunLog;

/// <summary>Writes a run folder's <c>files/</c>: <c>config.yaml</c>, <c>wandb-summary.json</c>, <c>output.log</c>.</summary>
internal static partial class RunFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// <c>config.yaml</c> in W&amp;B's form, every top-level key wrapped as <c>{value: …}</c> (docs/wandb-protocol.md §2 "Config
    /// encoding"). Values are JSON scalars, which YAML reads as the same scalars.
    /// </summary>
    public static void WriteConfig(RunFolder folder, IEnumerable<KeyValuePair<string, object?>> config)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in config)
        {
            text.Append(PlainKey().IsMatch(key) ? key : RunLogJson.String(key)).Append(":\n");
            text.Append("  value: ").Append(RunLogJson.Value(value is string s ? RunLogJson.WellFormed(s) : value)).Append('\n');
        }
        WriteAtomically(folder.ConfigFile, "write the run config", Utf8.GetBytes(text.ToString()));
    }

    /// <summary><c>wandb-summary.json</c>: the whole summary as one JSON object (NaN and infinities as W&amp;B's bare tokens).</summary>
    public static void WriteSummary(RunFolder folder, IEnumerable<KeyValuePair<string, string>> itemsJson)
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (key, json) in itemsJson)
        {
            text.Append(first ? "" : ", ").Append(RunLogJson.String(key)).Append(": ").Append(json);
            first = false;
        }
        text.Append('}');
        WriteAtomically(folder.SummaryFile, "write the run summary", Utf8.GetBytes(text.ToString()));
    }

    /// <summary>Appends lines to <c>output.log</c>.</summary>
    public static void AppendOutput(RunFolder folder, IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(RunLogJson.WellFormed(line)).Append('\n');
        }
        if (text.Length == 0)
        {
            return;
        }
        PathErrors.Wrap(folder.OutputLog, "append to the run output", () => File.AppendAllText(folder.OutputLog, text.ToString(), Utf8));
    }

    private static void WriteAtomically(string path, string doing, byte[] bytes)
    {
        var temporary = path + ".tmp";
        PathErrors.Wrap(path, doing, () =>
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        });
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();
}
