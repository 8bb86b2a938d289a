using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Accounts;

/// <summary>The management API through the router, called with the bootstrap admin key, as an operator's script would.</summary>
public sealed class ManagementClient(AccountsFixture platform)
{
    public async Task<string> CreateUserAsync(string prefix, string plan, decimal grantedBalance = 0m)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
        var body = new JsonObject { ["id"] = id, ["name"] = $"Accounts test {prefix}", ["plan"] = plan, ["granted_balance"] = grantedBalance };
        var user = await SendAsync(HttpMethod.Post, "/v1/admin/users", body, HttpStatusCode.Created);
        return user["id"]!.GetValue<string>();
    }

    public Task<JsonNode> PutPlanAsync(string name, int requestsPerMinute = 0, int maxParallelRequests = 0) =>
        SendAsync(HttpMethod.Put, $"/v1/admin/plans/{name}",
            new JsonObject { ["requests_per_minute"] = requestsPerMinute, ["max_parallel_requests"] = maxParallelRequests }, HttpStatusCode.OK);

    public Task<JsonNode> TopUpAsync(string userId, decimal amount) =>
        SendAsync(HttpMethod.Post, $"/v1/admin/users/{userId}/topup", new JsonObject { ["amount"] = amount }, HttpStatusCode.OK);

    /// <summary>Creates a key and returns (plaintext, key id); the plaintext is remembered for the leak scan.</summary>
    public async Task<(string ApiKey, string KeyId)> CreateKeyAsync(
        string userId, string[]? scopes = null, string[]? allowedModels = null, DateTimeOffset? expiresAt = null)
    {
        var body = new JsonObject { ["name"] = "accounts-test" };
        if (scopes is not null)
        {
            body["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray());
        }

        if (allowedModels is not null)
        {
            body["allowed_models"] = new JsonArray(allowedModels.Select(s => (JsonNode)s).ToArray());
        }

        if (expiresAt is { } expires)
        {
            body["expires_at"] = expires.ToString("O", CultureInfo.InvariantCulture);
        }

        var created = await SendAsync(HttpMethod.Post, $"/v1/admin/users/{userId}/keys", body, HttpStatusCode.Created);
        var apiKey = created["api_key"]!.GetValue<string>();
        platform.RememberSecret(apiKey);
        return (apiKey, created["key"]!["id"]!.GetValue<string>());
    }

    public Task<JsonNode> RevokeAsync(string keyId) => SendAsync(HttpMethod.Delete, $"/v1/admin/keys/{keyId}", null, HttpStatusCode.OK);

    /// <summary>The balance as the management API shows it: total of the first (only) currency, parsed exactly.</summary>
    public async Task<decimal> TotalBalanceAsync(string userId)
    {
        var balance = await SendAsync(HttpMethod.Get, $"/v1/admin/users/{userId}/balance", null, HttpStatusCode.OK);
        return decimal.Parse(balance["balance_infos"]![0]!["total_balance"]!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    /// <summary>(requests, cost) summed over every line of the user's ledger for today.</summary>
    public async Task<(long Requests, decimal Cost)> LedgerAsync(string userId)
    {
        var report = await SendAsync(HttpMethod.Get, $"/v1/admin/usage?user_id={userId}", null, HttpStatusCode.OK);
        var lines = report["lines"]!.AsArray();
        return (lines.Sum(l => l!["requests"]!.GetValue<long>()),
            lines.Sum(l => decimal.Parse(l!["cost"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// One management call. A read answered 503 (users busy settling a burst of charges, say) is retried after its
    /// Retry-After, as the API asks clients to, for up to <see cref="RetryBudget"/>; writes are never retried (a 503
    /// after a timeout may hide a change that was made). Any other status must be the expected one.
    /// </summary>
    public async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, HttpStatusCode expected, string bearer = AccountsFixture.AdminKey)
    {
        var deadline = DateTime.UtcNow + RetryBudget;
        while (true)
        {
            using var response = await platform.Http.SendAsync(AccountsFixture.Request(method, path, bearer, body));
            if (method != HttpMethod.Get || response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return await ApiAssertions.ReadJsonAsync(response, expected);
            }

            var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            await Task.Delay(retryAfter < MaxRetryPause ? retryAfter : MaxRetryPause);
        }
    }

    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(2);
}
