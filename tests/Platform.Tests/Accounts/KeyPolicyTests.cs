using System.Diagnostics;
using System.Net;
using DeepSeek.Dapr.Contracts;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Accounts;

/// <summary>What a key allows on the inference API, checked end to end on both gateway-ai replicas.</summary>
[Collection(AccountsCollection.Name)]
public sealed class KeyPolicyTests(AccountsFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_revoked_key_is_refused_within_one_second_on_both_gateway_replicas()
    {
        var replicas = platform.AppPorts(AppIds.GatewayAi).Select(port => $"http://127.0.0.1:{port}").ToList();
        replicas.Should().HaveCount(2, "dapr.yaml runs two gateway-ai instances");
        var user = await platform.Admin.CreateUserAsync("revoke", "unlimited", grantedBalance: 5m);
        var (key, keyId) = await platform.Admin.CreateKeyAsync(user);

        // Each replica has checked (and cached) the key before it is revoked, so a stale cache would still accept it.
        foreach (var replica in replicas)
        {
            using var accepted = await platform.ChatAsync(key, "deepseek-chat", 4, replica);
            await ApiAssertions.ReadJsonAsync(accepted, HttpStatusCode.OK);
        }

        await platform.Admin.RevokeAsync(keyId);
        var sinceRevoke = Stopwatch.StartNew();
        var refusedAfter = new Dictionary<string, TimeSpan>();
        while (refusedAfter.Count < replicas.Count && sinceRevoke.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var replica in replicas.Where(r => !refusedAfter.ContainsKey(r)))
            {
                using var response = await platform.ChatAsync(key, "deepseek-chat", 4, replica);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    refusedAfter[replica] = sinceRevoke.Elapsed;
                }
            }
        }

        output.WriteLine($"revoked key refused after: {string.Join(", ", refusedAfter.Select(r => $"{r.Key} {r.Value.TotalMilliseconds:F0} ms"))}");
        refusedAfter.Keys.Should().BeEquivalentTo(replicas, "both replicas must refuse the revoked key");
        refusedAfter.Values.Should().OnlyContain(t => t <= RevocationDeadline, "revocation must reach every replica within one second");

        // And it stays refused, through the router too (which spreads requests over both replicas).
        for (var i = 0; i < 6; i++)
        {
            using var response = await platform.ChatAsync(key, "deepseek-chat", 4);
            (await ApiAssertions.ReadErrorAsync(response, HttpStatusCode.Unauthorized))["code"]!.GetValue<string>().Should().Be("revoked_api_key");
        }
    }

    [Fact]
    public async Task An_expired_key_is_refused_with_401()
    {
        var user = await platform.Admin.CreateUserAsync("expiry", "unlimited", grantedBalance: 5m);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var (key, _) = await platform.Admin.CreateKeyAsync(user, expiresAt: expiresAt);
        using (var before = await platform.ChatAsync(key, "deepseek-chat", 4))
        {
            await ApiAssertions.ReadJsonAsync(before, HttpStatusCode.OK);
        }

        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        for (var i = 0; i < 4; i++)
        {
            using var after = await platform.ChatAsync(key, "deepseek-chat", 4);
            (await ApiAssertions.ReadErrorAsync(after, HttpStatusCode.Unauthorized))["code"]!.GetValue<string>().Should().Be("expired_api_key");
        }
    }

    [Fact]
    public async Task A_key_limited_to_one_model_gets_403_on_another()
    {
        var user = await platform.Admin.CreateUserAsync("onemodel", "unlimited", grantedBalance: 5m);
        var (key, _) = await platform.Admin.CreateKeyAsync(user, allowedModels: ["deepseek-chat"]);

        using var allowed = await platform.ChatAsync(key, "deepseek-chat", 4);
        using var other = await platform.ChatAsync(key, "deepseek-reasoner", 4);

        await ApiAssertions.ReadJsonAsync(allowed, HttpStatusCode.OK);
        (await ApiAssertions.ReadErrorAsync(other, HttpStatusCode.Forbidden))["type"]!.GetValue<string>().Should().Be("permission_error");
    }
}
