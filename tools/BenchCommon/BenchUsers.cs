using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BenchCommon;

/// <summary>
/// Users for a load: one key per user, each on the unlimited plan with a granted balance, created through the
/// management API (router → gateway-platform) with the bootstrap admin key, as an operator would. Spreading a load over
/// users keeps one user's account actor (one call at a time per user) from being the only limit a run measures.
/// </summary>
public static class BenchUsers
{
    public const decimal GrantedBalance = 1000m;

    /// <returns>The users' API keys, in order.</returns>
    public static async Task<IReadOnlyList<string>> CreateAsync(HttpClient http, Uri routerUrl, string adminKey, int users, string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var keys = new List<string>();
        for (var i = 1; i <= users; i++)
        {
            var userId = $"{prefix}-{run}-{i}";
            await PostAsync(http, new Uri(routerUrl, "/v1/admin/users"), adminKey,
                new JsonObject { ["id"] = userId, ["name"] = $"{prefix} user {i}", ["plan"] = "unlimited", ["granted_balance"] = GrantedBalance });
            var created = await PostAsync(http, new Uri(routerUrl, $"/v1/admin/users/{userId}/keys"), adminKey, new JsonObject { ["name"] = prefix });
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
