using RxFactorio.Diagnostics;
using RxFactorio.Events;

namespace RxFactorio.Cli.Validation;

/// <summary>Everything <c>rxfactorio validate</c> learned about one file. Fed serially by one pipeline.</summary>
internal sealed class FileValidation(string path, int keepDiagnostics)
{
    private readonly Dictionary<string, SessionSummary> _sessions = [];

    public string Path { get; } = path;

    public long Lines { get; private set; }

    public long SessionInits { get; private set; }

    public long Stats { get; private set; }

    public long GameEvents { get; private set; }

    public long Events => SessionInits + Stats + GameEvents;

    public DiagnosticCounts Diagnostics { get; } = new(keepDiagnostics);

    public IReadOnlyList<SessionSummary> Sessions => [.. _sessions.Values];

    public long Rejected => Diagnostics.Count(DiagnosticSeverity.Rejected);

    public void SawLine(long number) => Lines = Math.Max(Lines, number);

    public void Add(FactorioEvent e)
    {
        switch (e)
        {
            case SessionInit:
                SessionInits++;
                break;
            case StatsEvent:
                Stats++;
                break;
            default:
                GameEvents++;
                break;
        }
        if (!_sessions.TryGetValue(e.SessionId, out var session))
        {
            session = new SessionSummary(e.SessionId);
            _sessions.Add(e.SessionId, session);
        }
        session.Add(e);
    }

    public void Add(IngestDiagnostic diagnostic)
    {
        SawLine(diagnostic.LineNumber);
        Diagnostics.OnNext(diagnostic);
    }
}
