using DeepSeek.Dapr.Auth.Tokens;
using DeepSeek.Dapr.Contracts.Internal;

namespace Services.Tests.Auth;

public sealed class TokenRequestValidatorTests
{
    [Fact]
    public void Defaults_to_an_hour_and_the_admin_scope()
    {
        TokenRequestValidator.TryValidate(new TokenIssueRequest("ops", []), out var token, out _).Should().BeTrue();

        token.Should().BeEquivalentTo(new NewToken("ops", [KeyScopes.Admin], TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Keeps_the_requested_scopes_once_each()
    {
        TokenRequestValidator.TryValidate(new TokenIssueRequest("ops", ["chat", "admin", "chat"], 60), out var token, out _).Should().BeTrue();

        token!.Scopes.Should().Equal("chat", "admin");
        token.Lifetime.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("ops", "root", 60, "scopes")]
    [InlineData("ops", "admin", 86401, "lifetime_seconds")]
    [InlineData("ops", "admin", -5, "lifetime_seconds")]
    [InlineData("a b", "admin", 60, "user_id")]
    public void Names_the_wrong_field(string userId, string scope, int lifetime, string param)
    {
        TokenRequestValidator.TryValidate(new TokenIssueRequest(userId, [scope], lifetime), out _, out var error).Should().BeFalse();

        error!.Value.Param.Should().Be(param);
    }
}
