using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace FaultBench;

/// <summary>One app as the launcher's <c>GET /admin/apps</c> lists it.</summary>
internal sealed record AdminApp(string AppId, int DaprHttpPort, int DaprGrpcPort, IReadOnlyList<AdminInstance> Instances);

internal sealed record AdminInstance(string AppId, string Name, int AppPort, int? Pid, string State);

internal sealed record AdminApps(IReadOnlyList<AdminApp> Apps);

/// <summary>
/// The launcher's admin API (tools/LocalDapr/Launcher/AdminApi.cs): list the apps, stop one (or one replica,
/// <c>?instance={appPort}</c>) and start it again; start answers once the instances are healthy (or failed).
/// </summary>
internal sealed class LauncherAdmin(Uri adminUrl) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = adminUrl, Timeout = TimeSpan.FromSeconds(120) };

    public async Task<IReadOnlyList<AdminApp>> ListAsync() =>
        (await _http.GetFromJsonAsync<AdminApps>("/admin/apps", Json))?.Apps ?? [];

    public Task<AdminApp> StopAsync(string appId, int? instance) => PostAsync(appId, "stop", instance);

    public Task<AdminApp> StartAsync(string appId, int? instance) => PostAsync(appId, "start", instance);

    public void Dispose() => _http.Dispose();

    private async Task<AdminApp> PostAsync(string appId, string action, int? instance)
    {
        var query = instance is { } port ? "?instance=" + port.ToString(CultureInfo.InvariantCulture) : "";
        using var response = await _http.PostAsync($"/admin/apps/{Uri.EscapeDataString(appId)}/{action}{query}", content: null);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{action} {appId}{query} answered {(int)response.StatusCode}: {body}");
        }

        return JsonSerializer.Deserialize<AdminApp>(body, Json) ?? throw new InvalidOperationException($"{action} {appId}: empty reply");
    }
}
