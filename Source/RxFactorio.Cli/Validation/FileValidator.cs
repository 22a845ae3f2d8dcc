using System.Reactive;
using System.Reactive.Linq;
using RxFactorio.Events;
using RxFactorio.Framing;
using RxFactorio.Sources;

namespace RxFactorio.Cli.Validation;

/// <summary>Runs one file through the real framing and parse stages and collects what it finds.</summary>
internal static class FileValidator
{
    public static async Task<FileValidation> ValidateAsync(string path, int maxLineBytes, int keepDiagnostics, CancellationToken cancellationToken)
    {
        var result = new FileValidation(path, keepDiagnostics);
        var diagnostics = Observer.Create<Diagnostics.IngestDiagnostic>(result.Add);
        await ByteSources.ReadFile(path)
            .FrameLines(path, new FramingOptions { MaxLineBytes = maxLineBytes, Diagnostics = diagnostics })
            .Do(line => result.SawLine(line.Number))
            .ParseEvents(new ParseOptions { Diagnostics = diagnostics })
            .ForEachAsync(result.Add, cancellationToken)
            .ConfigureAwait(false);
        return result;
    }
}
