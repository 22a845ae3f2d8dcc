namespace RxFactorio.Cli.Discovery;

/// <summary>A file a <see cref="SourcePattern"/> matched: its path (the pattern's folder part as written, then the match) and its label.</summary>
/// <param name="Path">The file, e.g. <c>script-output/server1.jsonl</c>: the name of its source, as if given with its own <c>--source</c>.</param>
/// <param name="Label">Its label (sanitised).</param>
internal readonly record struct FoundSource(string Path, string Label);
