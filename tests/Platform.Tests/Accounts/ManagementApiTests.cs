using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Accounts;

/// <summary>Who may use the management API, through the router: admin keys and auth's JWTs yes; anything else 401/403.</summary>
[Collection(AccountsCollection.Name)]
public sealed class ManagementApiTests(AccountsFixture platform)
{
    [Fact]
    public async Task An_admin_key_is_exchanged_for_a_jwt_that_works_on_the_management_api()
    {
        var token = await platform.Admin.SendAsync(HttpMethod.Post, "/v1/admin/tokens", new JsonObject { ["lifetime_seconds"] = 600 }, HttpStatusCode.OK);
        var jwt = token["access_token"]!.GetValue<string>();
        platform.RememberSecret(jwt);
        token["token_type"]!.GetValue<string>().Should().Be("Bearer");

        var users = await platform.Admin.SendAsync(HttpMethod.Get, "/admin/users", null, HttpStatusCode.OK, bearer: jwt);

        users.AsArray().Select(u => u!["id"]!.GetValue<string>()).Should().Contain("admin", "the bootstrap user exists");
    }

    [Fact]
    public async Task A_jwt_signed_with_the_real_key_is_accepted_so_the_refusals_below_are_about_what_they_change()
    {
        var valid = TestJwt.Hs256(TestJwt.LocalSigningKey(), "admin", DateTimeOffset.UtcNow.AddMinutes(10));

        await platform.Admin.SendAsync(HttpMethod.Get, "/v1/admin/plans", null, HttpStatusCode.OK, bearer: valid);
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "alg none", TestJwt.AlgNone("admin", DateTimeOffset.UtcNow.AddMinutes(10)) },
        { "wrong signature", TestJwt.Hs256(System.Text.Encoding.UTF8.GetBytes("not-the-signing-key-of-this-platform-0123456789"), "admin", DateTimeOffset.UtcNow.AddMinutes(10)) },
        { "expired", TestJwt.Hs256(TestJwt.LocalSigningKey(), "admin", DateTimeOffset.UtcNow.AddHours(-1)) },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_forged_or_expired_jwt_is_401(string why, string token)
    {
        using var response = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/v1/admin/users", token));

        var error = await ApiAssertions.ReadErrorAsync(response, HttpStatusCode.Unauthorized);
        error["type"]!.GetValue<string>().Should().Be("authentication_error", why);
    }

    [Fact]
    public async Task A_chat_only_key_on_the_management_api_is_403()
    {
        var user = await platform.Admin.CreateUserAsync("chatonly", "unlimited");
        var (key, _) = await platform.Admin.CreateKeyAsync(user, scopes: ["chat"]);

        using var response = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Post, "/v1/admin/users", key, new JsonObject { ["name"] = "Mallory" }));

        (await ApiAssertions.ReadErrorAsync(response, HttpStatusCode.Forbidden))["type"]!.GetValue<string>().Should().Be("permission_error");
    }

    [Fact]
    public async Task Users_keys_plans_and_balances_are_managed_through_the_router()
    {
        await platform.Admin.PutPlanAsync("e2e-managed", requestsPerMinute: 30, maxParallelRequests: 2);
        var plans = await platform.Admin.SendAsync(HttpMethod.Get, "/v1/admin/plans", null, HttpStatusCode.OK);
        plans.AsArray().Should().Contain(p => p!["name"]!.GetValue<string>() == "e2e-managed" && p["requests_per_minute"]!.GetValue<int>() == 30);

        var user = await platform.Admin.CreateUserAsync("managed", "default", grantedBalance: 1m);
        await platform.Admin.SendAsync(HttpMethod.Patch, $"/v1/admin/users/{user}", new JsonObject { ["plan"] = "e2e-managed" }, HttpStatusCode.OK);
        (await platform.Admin.SendAsync(HttpMethod.Get, $"/v1/admin/users/{user}", null, HttpStatusCode.OK))["plan"]!.GetValue<string>().Should().Be("e2e-managed");

        var balance = await platform.Admin.TopUpAsync(user, 2.5m);
        balance["balance_infos"]![0]!["total_balance"]!.GetValue<string>().Should().Be("3.50");

        var (key, keyId) = await platform.Admin.CreateKeyAsync(user);
        var keys = await platform.Admin.SendAsync(HttpMethod.Get, $"/v1/admin/users/{user}/keys", null, HttpStatusCode.OK);
        keys.AsArray().Select(k => k!["id"]!.GetValue<string>()).Should().Equal(keyId);
        keys.ToJsonString().Should().NotContain(key[12..], "a listed key never carries its secret");

        // The user's own view, with its own key, matches the admin's.
        using var own = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/user/balance", key));
        (await ApiAssertions.ReadJsonAsync(own, HttpStatusCode.OK))["balance_infos"]![0]!["total_balance"]!.GetValue<string>().Should().Be("3.50");
        using var chat = await platform.ChatAsync(key, "deepseek-chat", 4);
        await ApiAssertions.ReadJsonAsync(chat, HttpStatusCode.OK);
        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30), async () =>
        {
            using var usage = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/usage", key));
            var report = await ApiAssertions.ReadJsonAsync(usage, HttpStatusCode.OK);
            return report["user_id"]!.GetValue<string>() == user && report["lines"]!.AsArray().Count == 1;
        })).Should().BeTrue("the user's own usage shows its one chat");
    }

    [Fact]
    public async Task Bad_management_input_is_refused_naming_the_field()
    {
        using var negative = await platform.Http.SendAsync(AccountsFixture.Request(
            HttpMethod.Post, "/v1/admin/users/admin/topup", AccountsFixture.AdminKey, new JsonObject { ["amount"] = -1 }));
        using var unknownUser = await platform.Http.SendAsync(AccountsFixture.Request(
            HttpMethod.Post, "/v1/admin/users/no-such-user/keys", AccountsFixture.AdminKey, new JsonObject()));

        (await ApiAssertions.ReadErrorAsync(negative, HttpStatusCode.UnprocessableEntity))["param"]!.GetValue<string>().Should().Be("amount");
        await ApiAssertions.ReadErrorAsync(unknownUser, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_openapi_document_and_the_scalar_page_are_served_through_the_router()
    {
        using var page = await platform.Http.GetAsync("/docs/");
        using var document = await platform.Http.GetAsync("/v1/docs/openapi/v1.json");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("scalar");
        var json = await ApiAssertions.ReadJsonAsync(document, HttpStatusCode.OK);
        json["paths"]!.AsObject().Select(p => p.Key).Should().Contain(["/v1/admin/users", "/v1/admin/tokens", "/v1/user/balance"]);
    }
}
