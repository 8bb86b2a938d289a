using System.Globalization;

namespace Platform.Tests.Infrastructure;

/// <summary>Reads one metric from an app's Prometheus endpoint (<c>/metrics</c>, served by ServiceDefaults).</summary>
public static class PrometheusScrape
{
    public const string CancelledGenerations = "deepseek_inference_generations_cancelled_total";

    /// <summary>The sum over all label sets of <paramref name="metric"/> (0 when not exported yet: no increment so far).</summary>
    public static async Task<double> ReadAsync(string appId, string metric)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync($"{PlatformPorts.AppUrl(appId)}/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{')
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .Sum();
    }
}
