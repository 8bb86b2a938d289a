using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Auth.Tokens;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Services.Tests.Auth.Support;

namespace Services.Tests.Auth;

/// <summary>
/// Admin JWTs through auth's API on its real sidecar (signing key from the real secret store). The refused tokens are
/// built by hand here: unsigned (<c>alg: none</c>), signed with another key or another algorithm, for another issuer
/// or audience, without <c>exp</c>, expired, or altered after signing.
/// </summary>
[Collection(AuthSidecarsCollection.Name)]
public sealed class TokenApiTests(AuthSidecars sidecars)
{
    private HttpClient Client => sidecars.Auth;

    private async Task<IssuedToken> IssueAsync(TokenIssueRequest request)
    {
        using var reply = await Client.PostAsJsonAsync("internal/tokens", request, ContractsJsonContext.Default.TokenIssueRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.IssuedToken))!;
    }

    private async Task<KeyVerificationResult> VerifyAsync(string? token)
    {
        using var reply = await Client.PostAsJsonAsync("internal/tokens/verify", new TokenVerificationRequest(token!), ContractsJsonContext.Default.TokenVerificationRequest);
        reply.StatusCode.Should().Be(HttpStatusCode.OK, "a refused token is still a completed check");
        return (await reply.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult))!;
    }

    /// <summary>A token signed by the test with the given key, algorithm and claims (defaults: what auth would sign).</summary>
    private string Sign(
        string? key = null, string algorithm = SecurityAlgorithms.HmacSha256, string issuer = JwtSettings.Issuer, string audience = JwtSettings.Audience,
        DateTimeOffset? expires = null, bool withExpiry = true)
    {
        var now = DateTimeOffset.UtcNow;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddHours(-2).UtcDateTime,
            NotBefore = now.AddHours(-2).UtcDateTime,
            Expires = withExpiry ? (expires ?? now.AddMinutes(10)).UtcDateTime : null,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? sidecars.JwtSigningKey)), algorithm),
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["jti"] = "jwt_handmade", ["scope"] = "admin" },
        });
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task An_issued_token_verifies_with_its_subject_id_scopes_and_expiry()
    {
        var before = DateTimeOffset.UtcNow;
        var issued = await IssueAsync(new TokenIssueRequest("root-admin", [KeyScopes.Admin, KeyScopes.Chat]));

        var result = await VerifyAsync(issued.AccessToken);
        var jwt = new JsonWebToken(issued.AccessToken);

        issued.TokenType.Should().Be("Bearer");
        issued.ExpiresAt.Should().BeOnOrAfter(before.AddSeconds(JwtSettings.DefaultLifetimeSeconds - 1)).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(JwtSettings.DefaultLifetimeSeconds));
        jwt.Alg.Should().Be("HS256");
        jwt.Issuer.Should().Be("deepseek-dapr-auth");
        jwt.Audiences.Should().Equal("deepseek-dapr-admin");
        result.Should().BeEquivalentTo(new KeyVerificationResult(true, jwt.Id, "root-admin", ["admin", "chat"], [], issued.ExpiresAt));
        jwt.Id.Should().StartWith("jwt_");
    }

    [Fact]
    public async Task A_token_signed_by_the_test_with_the_real_key_is_accepted_so_the_refusals_below_are_meaningful()
    {
        var result = await VerifyAsync(Sign());

        result.Valid.Should().BeTrue();
        result.UserId.Should().Be("mallory");
    }

    [Fact]
    public async Task The_lifetime_is_configurable_up_to_a_day_and_scopes_default_to_admin()
    {
        var issued = await IssueAsync(new TokenIssueRequest("ops", [], JwtSettings.MaxLifetimeSeconds));

        issued.ExpiresAt.Should().BeAfter(DateTimeOffset.UtcNow.AddSeconds(JwtSettings.MaxLifetimeSeconds - 60));
        (await VerifyAsync(issued.AccessToken)).Scopes.Should().Equal(KeyScopes.Admin);
    }

    [Theory]
    [InlineData("""{"user_id":"ops","scopes":["root"]}""", "scopes")]
    [InlineData("""{"user_id":"ops","scopes":["admin"],"lifetime_seconds":86401}""", "lifetime_seconds")]
    [InlineData("""{"user_id":"ops","scopes":["admin"],"lifetime_seconds":0}""", "lifetime_seconds")]
    [InlineData("""{"user_id":"","scopes":["admin"]}""", "user_id")]
    [InlineData("""{"scopes":["admin"]}""", "user_id")]
    public async Task Invalid_issue_requests_are_400_naming_the_field(string body, string param)
    {
        using var reply = await Client.PostAsync("internal/tokens", new StringContent(body, Encoding.UTF8, "application/json"));

        reply.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!["error"]!;
        error["param"]!.GetValue<string>().Should().Be(param);
        error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = Base64Url($$"""{"iss":"deepseek-dapr-auth","aud":"deepseek-dapr-admin","sub":"mallory","jti":"jwt_none","scope":"admin","exp":{{exp}}}""");

        (await VerifyAsync($"{Base64Url("""{"alg":"none","typ":"JWT"}""")}.{payload}.")).Reason.Should().Be(TokenRejections.InvalidToken);
        (await VerifyAsync($"{Base64Url("""{"alg":"none"}""")}.{payload}.")).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var result = await VerifyAsync(Sign(key: "another-signing-key-of-at-least-256-bits-0123456789"));

        result.Should().Be(new KeyVerificationResult(false, Reason: TokenRejections.InvalidToken));
    }

    [Fact]
    public async Task A_token_signed_with_the_right_key_but_another_algorithm_is_refused()
    {
        (await VerifyAsync(Sign(algorithm: SecurityAlgorithms.HmacSha512))).Reason.Should().Be(TokenRejections.InvalidToken);
        (await VerifyAsync(Sign(algorithm: SecurityAlgorithms.HmacSha384))).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Fact]
    public async Task Wrong_issuer_or_audience_is_refused()
    {
        (await VerifyAsync(Sign(issuer: "someone-else"))).Reason.Should().Be(TokenRejections.InvalidToken);
        (await VerifyAsync(Sign(audience: "deepseek-dapr-chat"))).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Fact]
    public async Task A_token_without_exp_is_refused()
    {
        (await VerifyAsync(Sign(withExpiry: false))).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired_only_when_its_signature_is_right()
    {
        var expired = DateTimeOffset.UtcNow.AddMinutes(-5);

        (await VerifyAsync(Sign(expires: expired))).Should().Be(new KeyVerificationResult(false, Reason: TokenRejections.Expired));
        (await VerifyAsync(Sign(key: "another-signing-key-of-at-least-256-bits-0123456789", expires: expired))).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Fact]
    public async Task A_token_altered_after_signing_is_refused()
    {
        var issued = await IssueAsync(new TokenIssueRequest("ops", [KeyScopes.Chat]));
        var parts = issued.AccessToken.Split('.');
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        claims["scope"] = "admin";
        var altered = $"{parts[0]}.{Base64Url(claims.ToJsonString())}.{parts[2]}";

        (await VerifyAsync(altered)).Reason.Should().Be(TokenRejections.InvalidToken);
        (await VerifyAsync(issued.AccessToken[..^2])).Reason.Should().Be(TokenRejections.InvalidToken);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task Garbage_is_an_invalid_token(string? token)
    {
        (await VerifyAsync(token)).Should().Be(new KeyVerificationResult(false, Reason: TokenRejections.InvalidToken));
    }
}
