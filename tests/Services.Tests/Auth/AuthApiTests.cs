using System.Net;
using System.Net.Http.Json;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.AspNetCore.Hosting;
using Services.Tests.Users.Support;

namespace Services.Tests.Auth;

/// <summary>The auth app in-process on its real sidecar, auth-db, secret store and pub/sub.</summary>
[Collection(LocalSidecarsCollection.Name)]
public sealed class AuthApiTests(LocalSidecars sidecars) : SidecarAppTests<ApiKeyService>(sidecars, AppIds.Auth)
{
    private readonly string _bootstrapKey = ApiKeyFormat.Generate();

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting(BootstrapKeyTask.EnvironmentVariable, _bootstrapKey);

    private async Task<KeyVerificationResult> VerifyAsync(string? key)
    {
        var reply = await Client.PostAsJsonAsync("/internal/keys/verify", new KeyVerificationRequest(key!), ContractsJsonContext.Default.KeyVerificationRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.OK, "a refused key is still a completed check");
        return (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult))!;
    }

    [Fact]
    public async Task The_bootstrap_key_becomes_valid_for_admin_after_start()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        KeyVerificationResult result;
        do
        {
            result = await VerifyAsync(_bootstrapKey);
            if (!result.Valid)
            {
                await Task.Delay(100);
            }
        }
        while (!result.Valid && DateTime.UtcNow < deadline);

        result.Valid.Should().BeTrue();
        result.UserId.Should().Be("admin");
        result.Scopes.Should().Contain(KeyScopes.Admin);
    }

    [Fact]
    public async Task Create_list_revoke_through_the_api()
    {
        var userId = "api-" + Guid.NewGuid().ToString("n")[..8];
        var create = await Client.PostAsJsonAsync("/internal/keys", new CreateApiKeyRequest(userId, "ci", [KeyScopes.Chat]), ContractsJsonContext.Default.CreateApiKeyRequest);
        var created = (await create.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!;

        (await VerifyAsync(created.ApiKey)).Valid.Should().BeTrue();
        var listed = await Client.GetStringAsync($"/internal/users/{userId}/keys");
        listed.Should().Contain(created.Key.Id).And.NotContain(created.ApiKey[12..]).And.NotContain("\"hash\"");

        var revoke = await Client.DeleteAsync($"/internal/keys/{created.Key.Id}");
        revoke.StatusCode.Should().Be(HttpStatusCode.OK);
        (await VerifyAsync(created.ApiKey)).Reason.Should().Be(KeyRejections.Revoked);
        (await Client.DeleteAsync("/internal/keys/zzzzzzzz")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Client.DeleteAsync("/internal/keys/NOT-AN-ID")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Refusals_carry_their_reason()
    {
        (await VerifyAsync(null)).Reason.Should().Be(KeyRejections.Missing);
        (await VerifyAsync("sk-123")).Reason.Should().Be(KeyRejections.Malformed);
        (await VerifyAsync(ApiKeyFormat.Generate())).Reason.Should().Be(KeyRejections.Unknown);
        var bad = await Client.PostAsJsonAsync("/internal/keys", new CreateApiKeyRequest("alice", Scopes: ["root"]), ContractsJsonContext.Default.CreateApiKeyRequest);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("\"param\":\"scopes\"");
    }
}
