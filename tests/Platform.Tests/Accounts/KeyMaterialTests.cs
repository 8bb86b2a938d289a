using System.Net;
using System.Text;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Accounts;

/// <summary>Key material never appears in clear in any log line of any app, nor in any value of any state store.</summary>
[Collection(AccountsCollection.Name)]
public sealed class KeyMaterialTests(AccountsFixture platform)
{
    [Fact]
    public async Task No_key_or_token_appears_in_clear_in_the_logs_or_the_state_stores()
    {
        // Drive every path a key travels: creation, use, refusals, listing, a token exchange, revocation.
        var user = await platform.Admin.CreateUserAsync("leak", "unlimited", grantedBalance: 1m);
        var (key, keyId) = await platform.Admin.CreateKeyAsync(user, allowedModels: ["deepseek-chat"]);
        using (var ok = await platform.ChatAsync(key, "deepseek-chat", 4))
        using (var forbidden = await platform.ChatAsync(key, "deepseek-reasoner", 4))
        using (var balance = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/user/balance", key)))
        {
            ok.StatusCode.Should().Be(HttpStatusCode.OK);
            forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            balance.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var token = await platform.Admin.SendAsync(HttpMethod.Post, "/v1/admin/tokens", null, HttpStatusCode.OK);
        platform.RememberSecret(token["access_token"]!.GetValue<string>());
        await platform.Admin.RevokeAsync(keyId);
        using (var revoked = await platform.ChatAsync(key, "deepseek-chat", 4))
        {
            revoked.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        // The secret part of each key (after sk-<prefix>_) and each whole token; the prefix is the public key id.
        var secrets = platform.IssuedSecrets
            .Select(s => s.StartsWith("sk-", StringComparison.Ordinal) ? s[(s.IndexOf('_') + 1)..] : s)
            .Distinct()
            .ToList();
        secrets.Should().HaveCountGreaterThan(2);

        var logLines = platform.Output.Since(0);
        logLines.Should().NotBeEmpty();
        foreach (var secret in secrets)
        {
            logLines.Where(l => l.Contains(secret, StringComparison.Ordinal)).Should().BeEmpty("no log line may carry key material");
        }

        var stateFiles = Directory.EnumerateFiles(platform.DataPath, "*", SearchOption.AllDirectories).ToList();
        stateFiles.Should().NotBeEmpty("the local profile keeps its stores as SQLite files under the data folder");
        foreach (var file in stateFiles)
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in secrets)
            {
                Contains(bytes, Encoding.UTF8.GetBytes(secret)).Should().BeFalse($"{Path.GetFileName(file)} must not hold key material in clear");
            }
        }
    }

    /// <summary>The stores still have the files open (SQLite WAL): read without taking a lock.</summary>
    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
