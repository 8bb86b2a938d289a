namespace LocalDapr.RunFile;

/// <summary>The run file (or a command-line override of it) is wrong; the message names the file, line and field.</summary>
public sealed class RunFileException(string message) : Exception(message);
