using Microsoft.Extensions.Logging;

namespace RxFactorio.Tests.EndToEnd;

/// <summary>
/// A logger factory and provider that keeps every entry (category, level, formatted message, exception
/// text, and the raw state's values), so a test can search all of it for a secret.
/// </summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory, ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>One log entry; <see cref="AllText"/> is everything it carries, as text.</summary>
    internal sealed record LogEntry(string Category, LogLevel Level, string Message, string? Exception, string State)
    {
        public string AllText => $"{Category} {Level} {Message} {Exception} {State}";

        public override string ToString() => $"[{Level}] {Category}: {Message}";
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
            owner.Add(new LogEntry(category, logLevel, formatter(state, exception), exception?.ToString(), values));
        }
    }
}
