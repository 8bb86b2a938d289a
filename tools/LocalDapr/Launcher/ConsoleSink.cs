namespace LocalDapr.Launcher;

/// <summary>
/// Writes whole lines from many apps to the launcher's console, each prefixed with its app, one line per call under a
/// lock so lines never interleave mid-line. Colours the prefix when the console is a terminal.
/// </summary>
internal sealed class ConsoleSink
{
    private static readonly string[] Colours = ["\e[36m", "\e[32m", "\e[33m", "\e[35m", "\e[34m", "\e[96m", "\e[92m", "\e[93m", "\e[95m", "\e[94m"];
    private readonly Lock _lock = new();
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void AppLine(string name, int colourIndex, string line, bool isError)
    {
        var prefix = _colour ? $"{Colours[colourIndex % Colours.Length]}[{name}]\e[0m " : $"[{name}] ";
        var writer = isError ? Console.Error : Console.Out;
        lock (_lock)
        {
            writer.WriteLine(prefix + line);
        }
    }
}
