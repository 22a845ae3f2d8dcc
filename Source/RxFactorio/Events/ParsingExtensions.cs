using System.Reactive.Linq;
using RxFactorio.Framing;

namespace RxFactorio.Events;

/// <summary>Rx operators that turn lines into events.</summary>
public static class ParsingExtensions
{
    /// <summary>
    /// Parses each line into an owned, immutable <see cref="FactorioEvent"/>. Rejected and skipped
    /// lines become diagnostics (see <see cref="ParseOptions.Diagnostics"/>) and the stream goes on.
    /// Each subscription has its own parser and name table.
    /// </summary>
    /// <param name="lines">The lines, borrowed; nothing after this operator holds their bytes.</param>
    /// <param name="options">Parse options; <c>null</c> uses the defaults.</param>
    public static IObservable<FactorioEvent> ParseEvents(this IObservable<Line> lines, ParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        options ??= new ParseOptions();
        return Observable.Defer(() =>
        {
            var parser = new EventParser(options);
            return lines.Select(line => parser.Parse(line)).Where(e => e is not null).Select(e => e!);
        });
    }
}
