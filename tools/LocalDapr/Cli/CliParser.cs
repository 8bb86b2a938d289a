using System.Globalization;
using LocalDapr.Launcher;
using LocalDapr.RunFile;

namespace LocalDapr.Cli;

/// <summary>Plain argument parsing for the few commands the launcher has (options as <c>--name value</c> or <c>--name=value</c>).</summary>
public static class CliParser
{
    public const string Usage = """
        local-dapr: runs a Dapr Multi-App Run file (dapr.yaml) with in-process Dapr-compatible sidecars.

        Usage:
          local-dapr run -f <file|dir> [options]     start every app of the run file (a dir means <dir>/dapr.yaml)
              --resources-path <dir>      replaces common.resourcesPaths (repeatable)
              --app-port <appId>=<port>   overrides one app's appPort (repeatable)
              --port-offset <n>           adds n to every app, sidecar and the default admin port
              --admin-port <n>            admin endpoint port (default 3490 + offset)
              --only <appId,...>          starts only these app-ids
              --ready-timeout <seconds>   how long to wait for each app's health (default 60)
              --max-app-connections <n>   open connections to one app instance at most (default 256)
          local-dapr status [--admin-port <n>]                   apps, instances, pids and health of a running launcher
          local-dapr stop <appId> [--instance <appPort>] [--admin-port <n>]
          local-dapr start <appId> [--instance <appPort>] [--admin-port <n>]
        """;

    public static CliCommand Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            return new HelpCliCommand();
        }

        var (positional, options) = Split(args.Skip(1));
        return args[0] switch
        {
            "run" => ParseRun(positional, options),
            "status" => ParseAdmin("status", positional, options, needsApp: false),
            "stop" or "start" => ParseAdmin(args[0], positional, options, needsApp: true),
            _ => throw new CliUsageException($"unknown command '{args[0]}'; use run, status, stop or start"),
        };
    }

    private static RunCliCommand ParseRun(List<string> positional, Dictionary<string, List<string>> options)
    {
        Allow(options, "-f", "--run-file", "--resources-path", "--app-port", "--port-offset", "--admin-port", "--only", "--ready-timeout", "--max-app-connections");
        var file = Single(options, "-f") ?? Single(options, "--run-file") ?? positional.FirstOrDefault()
            ?? throw new CliUsageException("run: missing the run file: local-dapr run -f <file|dir>");
        var offset = Int(options, "--port-offset") ?? 0;
        var appPorts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in options.GetValueOrDefault("--app-port") ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !int.TryParse(value[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new CliUsageException($"--app-port '{value}': expected <appId>=<port>, e.g. router=8080");
            }

            appPorts[value[..eq]] = port;
        }

        var only = (options.GetValueOrDefault("--only") ?? [])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        var readyTimeout = Int(options, "--ready-timeout") ?? 60;
        var maxConnections = Int(options, "--max-app-connections") ?? Hosting.LocalDaprRuntimeOptions.DefaultMaxConnectionsPerApp;
        return new RunCliCommand(new LaunchOptions
        {
            RunFile = file,
            ResourcesPaths = options.GetValueOrDefault("--resources-path") ?? [],
            Overrides = new RunOverrides { PortOffset = offset, AppPorts = appPorts, Only = only },
            AdminPort = Port(options, "--admin-port"),
            ReadyTimeout = TimeSpan.FromSeconds(readyTimeout > 0 ? readyTimeout : throw new CliUsageException("--ready-timeout must be positive")),
            MaxConnectionsPerApp = maxConnections > 0 ? maxConnections : throw new CliUsageException("--max-app-connections must be positive"),
        });
    }

    private static AdminCliCommand ParseAdmin(string verb, List<string> positional, Dictionary<string, List<string>> options, bool needsApp)
    {
        Allow(options, "--admin-port", "--instance");
        if (needsApp && positional.Count != 1)
        {
            throw new CliUsageException($"{verb}: expected one app-id: local-dapr {verb} <appId>");
        }

        if (!needsApp && positional.Count > 0)
        {
            throw new CliUsageException($"{verb}: unexpected argument '{positional[0]}'");
        }

        return new AdminCliCommand(verb, positional.FirstOrDefault(), Port(options, "--instance"), Port(options, "--admin-port") ?? LaunchOptions.DefaultAdminPort);
    }

    private static (List<string> Positional, Dictionary<string, List<string>> Options) Split(IEnumerable<string> args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq > 0 ? (arg[..eq], arg[(eq + 1)..])
                : e.MoveNext() ? (arg, e.Current)
                : throw new CliUsageException($"option {arg} needs a value");
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }

            values.Add(value);
        }

        return (positional, options);
    }

    private static void Allow(Dictionary<string, List<string>> options, params string[] allowed)
    {
        foreach (var name in options.Keys.Where(k => !allowed.Contains(k)))
        {
            throw new CliUsageException($"unknown option {name}; see local-dapr --help");
        }
    }

    private static string? Single(Dictionary<string, List<string>> options, string name) =>
        options.TryGetValue(name, out var values)
            ? values.Count == 1 ? values[0] : throw new CliUsageException($"{name} may be given only once")
            : null;

    private static int? Int(Dictionary<string, List<string>> options, string name) =>
        Single(options, name) is { } text
            ? int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new CliUsageException($"{name}: '{text}' is not a number")
            : null;

    private static int? Port(Dictionary<string, List<string>> options, string name) =>
        Int(options, name) is { } port
            ? port is >= 1 and <= 65535 ? port : throw new CliUsageException($"{name}: {port} is not a port (1-65535)")
            : null;
}
