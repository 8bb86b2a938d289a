using LocalDapr.Launcher;

namespace LocalDapr.Cli;

/// <summary>One parsed command line.</summary>
public abstract record CliCommand;

public sealed record RunCliCommand(LaunchOptions Options) : CliCommand;

/// <summary><c>status</c>, <c>stop</c> or <c>start</c> against a running launcher's admin endpoint.</summary>
public sealed record AdminCliCommand(string Verb, string? AppId, int? Instance, int AdminPort) : CliCommand;

public sealed record HelpCliCommand : CliCommand;

/// <summary>The command line is wrong; the message says what to fix.</summary>
public sealed class CliUsageException(string message) : Exception(message);
