using System.CommandLine;
using RxFactorio.Cli.Validation;
using RxFactorio.Diagnostics;
using RxFactorio.Framing;

namespace RxFactorio.Cli.Commands;

/// <summary><c>rxfactorio validate FILE...</c>: checks recordings against the event contract.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "JSON Lines recordings to check (as the mod writes them).",
            Arity = ArgumentArity.OneOrMore,
        };
        files.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.StartsWith('-') && value.Length > 1)
                {
                    r.AddError($"unknown option '{Printable.Of(value, 60)}' for 'validate'.");
                }
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a machine-readable JSON report instead of the summary." };
        var maxLineBytes = new Option<int>("--max-line-bytes")
        {
            Description = "The longest line accepted, in bytes.",
            DefaultValueFactory = _ => FramingOptions.DefaultMaxLineBytes,
        };
        maxLineBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-line-bytes must be at least 1.");
            }
        });
        var command = new Command("validate", """
            Check recordings against the event contract and print a summary: lines, events by type,
            sessions with their first and last tick and cycle, and every rejected line with its reason.
            Exit code 0 when no line was rejected, 1 when any was, 2 for usage errors.

            Examples:
              rxfactorio validate samples/recordings/freeplay.jsonl
              rxfactorio validate --json script-output/events.jsonl > report.json
            """)
        {
            files, json, maxLineBytes,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files) ?? [];
            var missing = paths.Where(p => !File.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                foreach (var path in missing)
                {
                    await error.WriteLineAsync($"rxfactorio validate: file not found: {Printable.Of(path, 300)}").ConfigureAwait(false);
                }
                return ExitCodes.Usage;
            }
            var results = new List<FileValidation>();
            foreach (var path in paths)
            {
                results.Add(await FileValidator.ValidateAsync(path, parse.GetValue(maxLineBytes), keepDiagnostics: 100, ct).ConfigureAwait(false));
            }
            if (parse.GetValue(json))
            {
                JsonReport.Write(output, results);
            }
            else
            {
                foreach (var result in results)
                {
                    TextReport.Write(output, result);
                }
            }
            return results.Any(r => r.Rejected > 0) ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }
}
