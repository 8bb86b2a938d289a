using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using LocalDapr.Launcher;

namespace LocalDapr.Cli;

/// <summary><c>local-dapr status|stop|start</c>: one call to a running launcher's admin endpoint, printed as a table.</summary>
public static class AdminClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<int> RunAsync(AdminCliCommand command, TextWriter output, TextWriter error)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{command.AdminPort}/"), Timeout = TimeSpan.FromSeconds(90) };
        var instance = command.Instance is { } port ? $"?instance={port}" : string.Empty;
        try
        {
            using var response = command.Verb == "status"
                ? await http.GetAsync("admin/apps")
                : await http.PostAsync($"admin/apps/{Uri.EscapeDataString(command.AppId!)}/{command.Verb}{instance}", content: null);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadFromJsonAsync<AdminError>(Json);
                await error.WriteLineAsync($"local-dapr {command.Verb}: {problem?.Message ?? response.StatusCode.ToString()}");
                return 1;
            }

            var apps = command.Verb == "status"
                ? (await response.Content.ReadFromJsonAsync<AppsResponse>(Json))!.Apps
                : [(await response.Content.ReadFromJsonAsync<AppResponse>(Json))!];
            await output.WriteAsync(Table(apps));
            return 0;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"local-dapr {command.Verb}: no launcher answers on 127.0.0.1:{command.AdminPort} ({ex.Message}); is `local-dapr run` running with this --admin-port?");
            return 1;
        }
    }

    private static string Table(IEnumerable<AppResponse> apps)
    {
        var rows = apps.SelectMany(a => a.Instances.Select(i => new[]
        {
            i.Name, a.DaprHttpPort.ToString(), a.DaprGrpcPort.ToString(), i.AppPort.ToString(), i.Pid?.ToString() ?? "-",
            i.State.ToString(), i.ExitCode?.ToString() ?? "-",
        })).Prepend(["APP", "HTTP", "GRPC", "APP PORT", "PID", "STATE", "EXIT"]).ToArray();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return string.Concat(rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd() + Environment.NewLine));
    }
}
