namespace LocalDapr.Launcher;

/// <summary>The launcher cannot go on (an app cannot be started, a port is taken); the message says which and why.</summary>
public sealed class LauncherException(string message) : Exception(message);
