using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry at or above a level, for tests that assert on what the runtime logged.</summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        // Entries stay readable after the runtime disposed its providers.
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
