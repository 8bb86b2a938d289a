using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Accounts;

/// <summary>
/// Hand-made admin JWTs, so the tests can present what auth would never issue (alg none, a foreign signature, an
/// expired token signed with the real key). The real key is the local profile's secret the platform under test uses.
/// </summary>
public static class TestJwt
{
    public const string Issuer = "deepseek-dapr-auth";
    public const string Audience = "deepseek-dapr-admin";

    public static byte[] LocalSigningKey()
    {
        var secrets = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.LocalComponents, "secrets.json")))!;
        return Encoding.UTF8.GetBytes(secrets["auth"]!["jwt-signing-key"]!.GetValue<string>());
    }

    /// <summary>An HS256 token for <paramref name="userId"/> with scope admin, expiring at <paramref name="expires"/>.</summary>
    public static string Hs256(byte[] key, string userId, DateTimeOffset expires)
    {
        var unsigned = $"{Part(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" })}.{Part(Claims(userId, expires))}";
        return $"{unsigned}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>The same claims, unsigned, declaring <c>alg: none</c>.</summary>
    public static string AlgNone(string userId, DateTimeOffset expires) =>
        $"{Part(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" })}.{Part(Claims(userId, expires))}.";

    private static JsonObject Claims(string userId, DateTimeOffset expires) => new()
    {
        ["iss"] = Issuer,
        ["aud"] = Audience,
        ["sub"] = userId,
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["scope"] = "admin",
        ["iat"] = expires.AddHours(-1).ToUnixTimeSeconds(),
        ["nbf"] = expires.AddHours(-1).ToUnixTimeSeconds(),
        ["exp"] = expires.ToUnixTimeSeconds(),
    };

    private static string Part(JsonObject json) => Base64Url(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
