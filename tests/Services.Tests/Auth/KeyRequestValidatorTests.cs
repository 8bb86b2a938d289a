using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts.Internal;

namespace Services.Tests.Auth;

public sealed class KeyRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Defaults_to_the_chat_scope_and_every_model()
    {
        KeyRequestValidator.TryValidate(new CreateApiKeyRequest("alice"), Now, out var key, out _).Should().BeTrue();

        key.Should().BeEquivalentTo(new NewKey("alice", null, [KeyScopes.Chat], [], null));
    }

    [Theory]
    [InlineData("", null, null, "user_id")]
    [InlineData("a:b", null, null, "user_id")]
    [InlineData("alice", "root", null, "scopes")]
    [InlineData("alice", null, "past", "expires_at")]
    public void Names_the_wrong_field(string userId, string? scope, string? expires, string param)
    {
        var request = new CreateApiKeyRequest(userId, Scopes: scope is null ? null : [scope], ExpiresAt: expires is null ? null : Now.AddSeconds(-1));

        KeyRequestValidator.TryValidate(request, Now, out _, out var error).Should().BeFalse();
        error!.Value.Param.Should().Be(param);
    }
}
