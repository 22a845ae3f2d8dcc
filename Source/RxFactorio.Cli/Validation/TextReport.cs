using RxFactorio.Diagnostics;

namespace RxFactorio.Cli.Validation;

/// <summary>Writes <c>validate</c>'s human-readable summary.</summary>
internal static class TextReport
{
    public static void Write(TextWriter output, FileValidation file)
    {
        output.WriteLine(Printable.Of(file.Path, 200));
        output.WriteLine($"  lines      {file.Lines}");
        output.WriteLine($"  events     {file.Events} (session_init {file.SessionInits}, stats {file.Stats}, event {file.GameEvents})");
        output.WriteLine($"  sessions   {file.Sessions.Count}");
        foreach (var s in file.Sessions)
        {
            var cycles = s.FirstCycle is null ? "no stats" : $"cycles {s.FirstCycle}–{s.LastCycle}";
            output.WriteLine($"    {Printable.Of(s.SessionId, 60)}  ticks {s.FirstTick}–{s.LastTick}  {cycles}  (session_init {s.SessionInits}, stats {s.Stats}, event {s.GameEvents})");
        }
        var counts = file.Diagnostics;
        output.WriteLine(
            $"  rejected   {counts.Count(DiagnosticSeverity.Rejected)} lines; skipped {counts.Count(DiagnosticSeverity.Skipped)}; values dropped {counts.Count(DiagnosticSeverity.PartDropped)}");
        if (counts.Total == 0)
        {
            return;
        }
        var kept = counts.First.GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Select(d => d.LineNumber).ToList());
        foreach (var (reason, count) in counts.ByReason)
        {
            var lines = kept.GetValueOrDefault(reason) ?? [];
            var more = count - lines.Count;
            var list = string.Join(", ", lines);
            output.WriteLine($"    {reason,-18} {count,6}  line{(count == 1 ? "" : "s")} {list}{(more > 0 ? $" … and {more} more" : "")}");
        }
        output.WriteLine("  first problems:");
        foreach (var d in counts.First.Take(10))
        {
            output.WriteLine($"    {Printable.Of(d.ToString(), 200)}");
        }
    }
}
