using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LocalDapr.Launcher;

/// <summary>
/// Formats the launcher's log lines like the app lines beside them (<c>[local-dapr] message</c>), so the console
/// reads as one stream; warnings and errors are marked.
/// </summary>
internal sealed class LauncherConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "local-dapr";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var level = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            >= LogLevel.Error => "error: ",
            _ => string.Empty,
        };
        var exception = logEntry.Exception is { } ex && logEntry.LogLevel >= LogLevel.Error && ex is not IOException ? Environment.NewLine + ex : string.Empty;
        textWriter.WriteLine($"[local-dapr] {level}{message}{exception}");
    }

    public static ILoggerFactory CreateFactory(LogLevel minimum) => LoggerFactory.Create(builder => Configure(builder, minimum));

    public static void Configure(ILoggingBuilder builder, LogLevel minimum) => builder
        .SetMinimumLevel(minimum)
        .AddConsole(o =>
        {
            o.FormatterName = FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Error;
        })
        .AddConsoleFormatter<LauncherConsoleFormatter, ConsoleFormatterOptions>();
}
