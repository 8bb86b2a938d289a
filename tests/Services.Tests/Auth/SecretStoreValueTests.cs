using System.Text;
using DeepSeek.Dapr.Auth.Secrets;
using DeepSeek.Dapr.Auth.Tokens;
using Microsoft.Extensions.Configuration;
using Services.Tests.Auth.Support;

namespace Services.Tests.Auth;

/// <summary>Secrets read through auth's real sidecar from the local-file secret store.</summary>
[Collection(AuthSidecarsCollection.Name)]
public sealed class SecretStoreValueTests(AuthSidecars sidecars)
{
    [Fact]
    public async Task The_signing_key_is_the_nested_secret_auth_jwt_signing_key()
    {
        var key = await new SecretStoreJwtSigningKey(sidecars.AuthDapr, new ConfigurationBuilder().Build()).GetAsync(default);

        key.Key.Should().Equal(Encoding.UTF8.GetBytes(sidecars.JwtSigningKey));
        key.KeySize.Should().BeGreaterThanOrEqualTo(256);
    }

    [Fact]
    public async Task A_secret_shorter_than_required_is_refused_by_name_without_its_value()
    {
        var secret = new SecretStoreValue(sidecars.AuthDapr, "auth:key-pepper", minBytes: 4096);

        var read = async () => await secret.GetAsync(default);

        (await read.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("auth:key-pepper").And.NotContain(sidecars.Pepper);
    }

    [Fact]
    public async Task A_missing_secret_fails_naming_it()
    {
        var read = async () => await new SecretStoreValue(sidecars.AuthDapr, "auth:absent", minBytes: 1).GetAsync(default);

        (await read.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("auth:absent");
    }
}
