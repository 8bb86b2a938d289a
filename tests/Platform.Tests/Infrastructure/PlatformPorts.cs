using System.Text.RegularExpressions;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The ports of the test platform: dapr.yaml's app ports shifted by <see cref="Offset"/> (the launcher's
/// <c>--port-offset</c>), so the tests run beside a developer's <c>./run.sh</c>. 11000 keeps every port, including
/// the 500xx gRPC ones, below 65536 and out of Linux's ephemeral range (32768-60999), where outgoing connections could
/// already hold one.
/// </summary>
public static partial class PlatformPorts
{
    public const int Offset = 11000;

    private const int DefaultAdminPort = 3490;

    private static readonly Lazy<IReadOnlyDictionary<string, int>> RunFileAppPorts = new(ReadAppPorts);

    public static int Admin => DefaultAdminPort + Offset;

    public static int Router => App("router");

    public static string RouterUrl => $"http://127.0.0.1:{Router}";

    public static string AdminUrl => $"http://127.0.0.1:{Admin}";

    public static int App(string appId) =>
        RunFileAppPorts.Value.TryGetValue(appId, out var port)
            ? port + Offset
            : throw new InvalidOperationException($"dapr.yaml has no app '{appId}' with an appPort");

    public static string AppUrl(string appId) => $"http://127.0.0.1:{App(appId)}";

    /// <summary>appID → appPort, read from dapr.yaml itself so the tests follow it when ports change.</summary>
    private static IReadOnlyDictionary<string, int> ReadAppPorts()
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in File.ReadLines(RepoPaths.RunFile))
        {
            if (AppIdLine().Match(line) is { Success: true } id)
            {
                current = id.Groups[1].Value;
            }
            else if (current is not null && AppPortLine().Match(line) is { Success: true } port)
            {
                // A later entry of the same app-id is a replica on its own port; App(id) names the first instance.
                ports.TryAdd(current, int.Parse(port.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                current = null;
            }
        }

        return ports;
    }

    [GeneratedRegex(@"^\s*-?\s*appID:\s*[""']?([\w-]+)")]
    private static partial Regex AppIdLine();

    [GeneratedRegex(@"^\s*appPort:\s*(\d+)")]
    private static partial Regex AppPortLine();
}
