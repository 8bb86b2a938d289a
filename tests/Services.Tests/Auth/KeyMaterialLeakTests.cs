using System.Net;
using System.Net.Http.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using Services.Tests.Auth.Support;

namespace Services.Tests.Auth;

/// <summary>
/// Drives auth through its whole key and token lifecycle on its real sidecar, then reads every log line (auth's own,
/// at every level of its code, and the runtime's at Trace) and every row of the auth-db SQLite file, and looks for
/// any key material in clear: plaintext keys and their secret parts, the bootstrap key, the pepper, the JWT signing
/// key, and the issued token.
/// </summary>
[Collection(AuthSidecarsCollection.Name)]
public sealed class KeyMaterialLeakTests(AuthSidecars sidecars)
{
    private HttpClient Client => sidecars.Auth;

    private async Task<KeyVerificationResult> VerifyAsync(string path, string credential)
    {
        using var reply = path.Contains("tokens", StringComparison.Ordinal)
            ? await Client.PostAsJsonAsync(path, new TokenVerificationRequest(credential), ContractsJsonContext.Default.TokenVerificationRequest)
            : await Client.PostAsJsonAsync(path, new KeyVerificationRequest(credential), ContractsJsonContext.Default.KeyVerificationRequest);
        return (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult))!;
    }

    [Fact]
    public async Task No_key_material_appears_in_any_log_line_or_state_row()
    {
        var userId = "leak-" + Guid.NewGuid().ToString("n")[..8];
        var created = new List<CreatedApiKey>();
        foreach (var scopes in new[] { new[] { KeyScopes.Chat }, [KeyScopes.Admin, KeyScopes.Chat] })
        {
            using var reply = await Client.PostAsJsonAsync("internal/keys", new CreateApiKeyRequest(userId, "leak", scopes, ["deepseek-chat"]), ContractsJsonContext.Default.CreateApiKeyRequest);
            reply.StatusCode.Should().Be(HttpStatusCode.Created);
            created.Add((await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!);
        }

        await EventuallyValidAsync(sidecars.BootstrapKey);
        (await VerifyAsync("internal/keys/verify", created[0].ApiKey)).Valid.Should().BeTrue();
        var wrongSecret = created[0].ApiKey[..12] + new string('W', 40);
        (await VerifyAsync("internal/keys/verify", wrongSecret)).Valid.Should().BeFalse();
        (await Client.DeleteAsync($"internal/keys/{created[1].Key.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await VerifyAsync("internal/keys/verify", created[1].ApiKey)).Reason.Should().Be("revoked");
        using var tokenReply = await Client.PostAsJsonAsync("internal/tokens", new TokenIssueRequest(userId, [KeyScopes.Admin]), ContractsJsonContext.Default.TokenIssueRequest);
        var token = (await tokenReply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.IssuedToken))!;
        (await VerifyAsync("internal/tokens/verify", token.AccessToken)).Valid.Should().BeTrue();
        (await VerifyAsync("internal/tokens/verify", token.AccessToken[..^3] + "abc")).Valid.Should().BeFalse();

        var secrets = new Dictionary<string, string>
        {
            ["bootstrap key"] = sidecars.BootstrapKey,
            ["bootstrap key secret part"] = sidecars.BootstrapKey[12..],
            ["secret-store bootstrap key"] = sidecars.SecretStoreBootstrapKey,
            ["pepper"] = sidecars.Pepper,
            ["JWT signing key"] = sidecars.JwtSigningKey,
            ["issued JWT"] = token.AccessToken,
            ["issued JWT signature"] = token.AccessToken.Split('.')[2],
            ["refused key's secret part"] = wrongSecret[12..],
        };
        foreach (var (key, i) in created.Select((k, i) => (k, i)))
        {
            secrets[$"key {i}"] = key.ApiKey;
            secrets[$"key {i} secret part"] = key.ApiKey[12..];
        }

        var appLog = await sidecars.AppLogLinesAsync();
        var runtimeLog = sidecars.RuntimeLogs.Lines;
        var rows = await AuthDbRows.ReadAsync(sidecars.DatabasePath);

        // The scan looks where the material would be: auth logged these keys by id, and stored them.
        appLog.Should().Contain(l => l.Contains($"Created API key {created[0].Key.Id}", StringComparison.Ordinal));
        appLog.Should().Contain(l => l.Contains($"Revoked API key {created[1].Key.Id}", StringComparison.Ordinal));
        var bootstrapId = sidecars.BootstrapKey.Substring(3, 8);
        appLog.Should().Contain(l => l.Contains("Bootstrap key " + bootstrapId, StringComparison.Ordinal));
        appLog.Should().Contain(l => l.Contains("Token refused", StringComparison.Ordinal), "auth's Debug lines are captured too");
        runtimeLog.Should().NotBeEmpty();
        rows.Should().Contain(r => r.Contains($"key-prefix:{created[0].Key.Id}", StringComparison.Ordinal) && r.Contains("\"hash\"", StringComparison.Ordinal));

        // Counts, not the lines themselves, in the failure message: a failing run must not print the secrets to CI logs.
        foreach (var (what, secret) in secrets)
        {
            appLog.Count(l => l.Contains(secret, StringComparison.Ordinal)).Should().Be(0, $"the {what} must not be in auth's log");
            runtimeLog.Count(l => l.Contains(secret, StringComparison.Ordinal)).Should().Be(0, $"the {what} must not be in the sidecar's log");
            rows.Count(r => r.Contains(secret, StringComparison.Ordinal)).Should().Be(0, $"the {what} must not be stored in auth-db");
        }
    }

    private async Task EventuallyValidAsync(string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await VerifyAsync("internal/keys/verify", key)).Valid)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the bootstrap key is stored shortly after start");
            await Task.Delay(100);
        }
    }
}
