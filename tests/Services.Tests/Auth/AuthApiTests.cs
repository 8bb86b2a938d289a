using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using Services.Tests.Auth.Support;

namespace Services.Tests.Auth;

/// <summary>The key API of auth, called through the gateway-ai sidecar (Dapr service invocation) as the gateways do.</summary>
[Collection(AuthSidecarsCollection.Name)]
public sealed class AuthApiTests(AuthSidecars sidecars)
{
    private HttpClient Client => sidecars.Auth;

    private static string NewUser() => "api-" + Guid.NewGuid().ToString("n")[..8];

    private async Task<KeyVerificationResult> VerifyAsync(string? key)
    {
        using var reply = await Client.PostAsJsonAsync("internal/keys/verify", new KeyVerificationRequest(key!), ContractsJsonContext.Default.KeyVerificationRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.OK, "a refused key is still a completed check");
        return (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult))!;
    }

    private async Task<CreatedApiKey> CreateAsync(CreateApiKeyRequest request)
    {
        using var reply = await Client.PostAsJsonAsync("internal/keys", request, ContractsJsonContext.Default.CreateApiKeyRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.Created);
        var created = (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!;
        reply.Headers.Location!.ToString().Should().Be($"/internal/keys/{created.Key.Id}");
        return created;
    }

    private static async Task<JsonNode> ErrorAsync(HttpResponseMessage reply, HttpStatusCode status)
    {
        reply.StatusCode.Should().Be(status);
        var body = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        body["error"]!["type"]!.GetValue<string>().Should().Be("invalid_request_error");
        return body["error"]!;
    }

    [Fact]
    public async Task The_bootstrap_key_becomes_valid_for_admin_after_start()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        KeyVerificationResult result;
        do
        {
            result = await VerifyAsync(sidecars.BootstrapKey);
            if (!result.Valid)
            {
                await Task.Delay(100);
            }
        }
        while (!result.Valid && DateTime.UtcNow < deadline);

        result.Valid.Should().BeTrue();
        result.UserId.Should().Be(BootstrapKeyTask.AdminUserId);
        result.Scopes.Should().BeEquivalentTo([KeyScopes.Chat, KeyScopes.Admin]);
    }

    [Fact]
    public async Task A_created_key_carries_owner_name_scopes_models_and_expiry_and_is_shown_once()
    {
        var userId = NewUser();
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        var created = await CreateAsync(new CreateApiKeyRequest(userId, "ci", [KeyScopes.Chat, KeyScopes.Admin], ["deepseek-chat"], expires));

        var verified = await VerifyAsync(created.ApiKey);
        var listed = await Client.GetStringAsync($"internal/users/{userId}/keys");
        var one = await Client.GetFromJsonAsync($"internal/keys/{created.Key.Id}", ContractsJsonContext.Default.ApiKeyInfo);

        created.ApiKey.Should().StartWith($"sk-{created.Key.Id}_");
        created.Key.Should().BeEquivalentTo(new { UserId = userId, Name = "ci", Scopes = new[] { "chat", "admin" }, AllowedModels = new[] { "deepseek-chat" }, RevokedAt = (DateTimeOffset?)null });
        created.Key.ExpiresAt.Should().BeCloseTo(expires, TimeSpan.FromMilliseconds(1));
        verified.Should().BeEquivalentTo(new KeyVerificationResult(true, created.Key.Id, userId, ["chat", "admin"], ["deepseek-chat"], created.Key.ExpiresAt));
        one.Should().BeEquivalentTo(created.Key);
        listed.Should().Contain(created.Key.Id).And.NotContain(created.ApiKey[12..]).And.NotContain("\"hash\"").And.NotContain("\"salt\"");
    }

    [Fact]
    public async Task A_key_without_scopes_gets_chat_and_every_model()
    {
        var created = await CreateAsync(new CreateApiKeyRequest(NewUser()));

        created.Key.Scopes.Should().Equal(KeyScopes.Chat);
        created.Key.AllowedModels.Should().BeEmpty();
        created.Key.ExpiresAt.Should().BeNull();
    }

    [Fact]
    public async Task The_admin_listing_shows_keys_of_several_users()
    {
        var first = await CreateAsync(new CreateApiKeyRequest(NewUser()));
        var second = await CreateAsync(new CreateApiKeyRequest(NewUser(), Scopes: [KeyScopes.Admin]));

        var all = await Client.GetFromJsonAsync("internal/keys", ContractsJsonContext.Default.ListApiKeyInfo);

        all!.Select(k => k.Id).Should().Contain([first.Key.Id, second.Key.Id]);
        all!.Select(k => k.UserId).Should().Contain([first.Key.UserId, second.Key.UserId]);
    }

    [Fact]
    public async Task Revoking_is_idempotent_refuses_the_key_and_unknown_ids_are_404()
    {
        var created = await CreateAsync(new CreateApiKeyRequest(NewUser()));

        using var first = await Client.DeleteAsync($"internal/keys/{created.Key.Id}");
        var revoked = (await first.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ApiKeyInfo))!;
        using var second = await Client.DeleteAsync($"internal/keys/{created.Key.Id}");
        var again = (await second.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ApiKeyInfo))!;

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        revoked.RevokedAt.Should().NotBeNull();
        again.RevokedAt.Should().Be(revoked.RevokedAt);
        (await VerifyAsync(created.ApiKey)).Should().BeEquivalentTo(new KeyVerificationResult(false, created.Key.Id, created.Key.UserId, Reason: KeyRejections.Revoked));
        (await ErrorAsync(await Client.DeleteAsync("internal/keys/zzzzzzzz"), HttpStatusCode.NotFound))["code"]!.GetValue<string>().Should().Be("key_not_found");
        (await ErrorAsync(await Client.DeleteAsync($"internal/keys/{created.ApiKey}"), HttpStatusCode.NotFound))["message"]!.GetValue<string>()
            .Should().NotContain(created.ApiKey[12..], "a full key sent as an id is not echoed back");
        (await Client.GetAsync("internal/keys/zzzzzzzz")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revocation_is_broadcast_after_the_record_is_revoked()
    {
        var created = await CreateAsync(new CreateApiKeyRequest(NewUser()));
        sidecars.Subscriber.Watch(created.Key.Id, created.ApiKey);

        using var reply = await Client.DeleteAsync($"internal/keys/{created.Key.Id}");
        var revoked = (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ApiKeyInfo))!;
        var seen = await sidecars.Subscriber.WaitForAsync(created.Key.Id, TimeSpan.FromSeconds(10));

        seen.Event.Should().Be(new DeepSeek.Dapr.Contracts.Events.ApiKeyRevoked(created.Key.Id, created.Key.UserId, revoked.RevokedAt!.Value));
        seen.VerifiedOnArrival!.Reason.Should().Be(KeyRejections.Revoked, "the subscriber re-verified on arrival and must already see the revocation");
    }

    [Fact]
    public async Task Refusals_carry_their_reason()
    {
        var created = await CreateAsync(new CreateApiKeyRequest(NewUser(), ExpiresAt: DateTimeOffset.UtcNow.AddSeconds(1)));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await VerifyAsync(created.ApiKey)).Valid && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        (await VerifyAsync(null)).Reason.Should().Be(KeyRejections.Missing);
        (await VerifyAsync("")).Reason.Should().Be(KeyRejections.Missing);
        (await VerifyAsync("sk-123")).Reason.Should().Be(KeyRejections.Malformed);
        (await VerifyAsync(ApiKeyFormat.Generate())).Reason.Should().Be(KeyRejections.Unknown);
        (await VerifyAsync(created.ApiKey[..12] + new string('Q', 40))).Should().Be(new KeyVerificationResult(false, Reason: KeyRejections.Unknown));
        (await VerifyAsync(created.ApiKey)).Reason.Should().Be(KeyRejections.Expired);
    }

    [Theory]
    [InlineData("""{"user_id":""}""", "user_id")]
    [InlineData("""{"user_id":"a:b"}""", "user_id")]
    [InlineData("""{"name":"x"}""", "user_id")]
    [InlineData("""{"user_id":"alice","scopes":["root"]}""", "scopes")]
    [InlineData("""{"user_id":"alice","allowed_models":[""]}""", "allowed_models")]
    [InlineData("""{"user_id":"alice","expires_at":"2001-01-01T00:00:00Z"}""", "expires_at")]
    public async Task Invalid_create_requests_are_400_naming_the_field(string body, string param)
    {
        using var reply = await Client.PostAsync("internal/keys", new StringContent(body, Encoding.UTF8, "application/json"));

        (await ErrorAsync(reply, HttpStatusCode.BadRequest))["param"]!.GetValue<string>().Should().Be(param);
    }

    [Theory]
    [InlineData("internal/keys", "{not json")]
    [InlineData("internal/keys", "")]
    [InlineData("internal/keys/verify", "[1,2]")]
    [InlineData("internal/tokens", "{\"user_id\":5}")]
    public async Task Unreadable_bodies_are_400_in_the_OpenAI_shape(string path, string body)
    {
        using var reply = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        (await ErrorAsync(reply, HttpStatusCode.BadRequest))["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_bad_user_id_in_the_path_is_400()
    {
        (await ErrorAsync(await Client.GetAsync("internal/users/a%3Ab/keys"), HttpStatusCode.BadRequest))["param"]!.GetValue<string>().Should().Be("user_id");
    }
}
