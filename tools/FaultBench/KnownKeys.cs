using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FaultBench;

/// <summary>
/// The keys the load uses: one per user, for several users on the unlimited plan, created through the management API
/// (router → gateway-platform) with the bootstrap admin key. Spreading the load over users keeps one user's account
/// actor (one call at a time per user) from being the limit the run measures. The suite uses every key before the
/// first fault, so each gateway-ai instance holds a positive decision for each when auth or users go down.
/// </summary>
internal static class KnownKeys
{
    public const decimal GrantedBalance = 1000m;

    public static async Task<IReadOnlyList<string>> CreateAsync(HttpClient http, Uri routerUrl, string adminKey, int users)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var keys = new List<string>();
        for (var i = 1; i <= users; i++)
        {
            var userId = $"fault-{run}-{i}";
            await PostAsync(http, new Uri(routerUrl, "/v1/admin/users"), adminKey,
                new JsonObject { ["id"] = userId, ["name"] = $"Fault suite user {i}", ["plan"] = "unlimited", ["granted_balance"] = GrantedBalance });
            var created = await PostAsync(http, new Uri(routerUrl, $"/v1/admin/users/{userId}/keys"), adminKey, new JsonObject { ["name"] = "fault-suite" });
            keys.Add(created?["api_key"]?.GetValue<string>() ?? throw new InvalidOperationException($"no api_key in the reply for {userId}"));
        }

        return keys;
    }

    private static async Task<JsonNode?> PostAsync(HttpClient http, Uri url, string adminKey, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)
            : throw new InvalidOperationException($"POST {url.AbsolutePath} answered {(int)response.StatusCode}: {text}");
    }
}
