using System.Text.RegularExpressions;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Docs;

/// <summary>
/// The code cites the W&amp;B protocol notes as <c>docs/wandb-protocol.md §N</c> (sometimes with a
/// quoted subsection name). Every cited section must exist in that file of the repository, so a
/// reader following a comment finds what it points at.
/// </summary>
public sealed partial class ProtocolCitationTests
{
    private const string DocPath = "docs/wandb-protocol.md";

    [Test]
    public void EveryCitedSection_ExistsInTheRepositorysProtocolNotes()
    {
        var sections = Sections(File.ReadAllText(Parse.RepoFile("docs", "wandb-protocol.md")));
        var problems = new List<string>();
        var citing = 0;
        foreach (var file in CodeFiles())
        {
            var text = File.ReadAllText(file);
            if (!text.Contains("§", StringComparison.Ordinal) || text.Contains("factorio.md", StringComparison.Ordinal))
            {
                continue;
            }
            citing++;
            if (!text.Contains(DocPath, StringComparison.Ordinal))
            {
                problems.Add($"{Relative(file)}: cites § but never names {DocPath}");
            }
            foreach (Match m in Citation().Matches(text))
            {
                var number = int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (!sections.TryGetValue(number, out var body))
                {
                    problems.Add($"{Relative(file)}: §{number} is not a section of {DocPath}");
                }
                else if (m.Groups["name"].Success && !body.Contains(OneLine(m.Groups["name"].Value), StringComparison.Ordinal))
                {
                    problems.Add($"{Relative(file)}: §{number} has no \"{OneLine(m.Groups["name"].Value)}\"");
                }
            }
        }
        Assert.That(citing, Is.GreaterThan(10), "the scan found the citing files");
        Assert.That(problems, Is.Empty);
    }

    /// <summary>Section number → its text, from the doc's <c>## N. Title</c> headings.</summary>
    private static Dictionary<int, string> Sections(string doc)
    {
        var result = new Dictionary<int, string>();
        var headings = Heading().Matches(doc);
        for (var i = 0; i < headings.Count; i++)
        {
            var end = i + 1 < headings.Count ? headings[i + 1].Index : doc.Length;
            result[int.Parse(headings[i].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] =
                doc[headings[i].Index..end];
        }
        return result;
    }

    private static IEnumerable<string> CodeFiles()
    {
        foreach (var root in new[] { "Source", "Tests" })
        {
            foreach (var file in Directory.EnumerateFiles(Parse.RepoFile(root), "*", SearchOption.AllDirectories))
            {
                var sep = Path.DirectorySeparatorChar;
                if ((file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".proto", StringComparison.Ordinal))
                    && !file.Contains($"{sep}obj{sep}", StringComparison.Ordinal)
                    && !file.Contains($"{sep}bin{sep}", StringComparison.Ordinal)
                    && !file.EndsWith(nameof(ProtocolCitationTests) + ".cs", StringComparison.Ordinal))
                {
                    yield return file;
                }
            }
        }
    }

    /// <summary>A quoted name that a comment wrapped onto the next line, back on one line.</summary>
    private static string OneLine(string name) => CommentBreak().Replace(name, " ");

    private static string Relative(string file) => Path.GetRelativePath(Parse.RepoFile(), file);

    [GeneratedRegex(@"^## (\d+)\. ", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\s*\n\s*(?:///?\s*)?")]
    private static partial Regex CommentBreak();

    [GeneratedRegex("§(?<n>[0-9]+)(?: \"(?<name>[^\"]+)\")?")]
    private static partial Regex Citation();
}
