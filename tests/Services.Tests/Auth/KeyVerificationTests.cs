using System.Text;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts.Internal;

namespace Services.Tests.Auth;

/// <summary>Hashing with salt and pepper, the constant-time comparison path, and every refusal reason.</summary>
public sealed class KeyVerificationTests
{
    private static readonly byte[] Pepper = Encoding.UTF8.GetBytes("pepper");
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static (string Key, ApiKeyRecord Record) NewKey(DateTimeOffset? expires = null, DateTimeOffset? revoked = null, byte[]? pepper = null)
    {
        var key = ApiKeyFormat.Generate();
        ApiKeyFormat.TryParse(key, out var parsed);
        var salt = ApiKeyHasher.NewSalt();
        var hash = ApiKeyHasher.Hash(pepper ?? Pepper, salt, key);
        var record = new ApiKeyRecord(parsed!.Value.Prefix, parsed.Value.Prefix, Convert.ToBase64String(salt), Convert.ToBase64String(hash),
            "alice", "laptop", [KeyScopes.Chat], ["deepseek-chat"], Now.AddDays(-1), expires, revoked);
        return (key, record);
    }

    [Fact]
    public void Hash_depends_on_pepper_salt_and_key()
    {
        var salt = ApiKeyHasher.NewSalt();
        var hash = ApiKeyHasher.Hash(Pepper, salt, "sk-k");

        ApiKeyHasher.Hash(Pepper, salt, "sk-k").Should().Equal(hash);
        ApiKeyHasher.Hash(Encoding.UTF8.GetBytes("other"), salt, "sk-k").Should().NotEqual(hash);
        ApiKeyHasher.Hash(Pepper, ApiKeyHasher.NewSalt(), "sk-k").Should().NotEqual(hash);
        ApiKeyHasher.Hash(Pepper, salt, "sk-l").Should().NotEqual(hash);
        hash.Should().HaveCount(32);
    }

    [Fact]
    public void Comparison_refuses_a_hash_that_differs_in_its_last_byte_or_its_length()
    {
        var salt = ApiKeyHasher.NewSalt();
        var hash = ApiKeyHasher.Hash(Pepper, salt, "sk-k");
        var lastByteOff = hash.ToArray();
        lastByteOff[^1] ^= 1;

        ApiKeyHasher.Matches(Pepper, salt, "sk-k", hash).Should().BeTrue();
        ApiKeyHasher.Matches(Pepper, salt, "sk-k", lastByteOff).Should().BeFalse();
        ApiKeyHasher.Matches(Pepper, salt, "sk-k", hash[..31]).Should().BeFalse();
        ApiKeyHasher.Matches(Pepper, salt, "sk-k", []).Should().BeFalse();
    }

    [Fact]
    public void A_valid_key_yields_owner_scopes_and_models()
    {
        var (key, record) = NewKey(expires: Now.AddTicks(1));

        var result = KeyVerifier.Verify(key, record, Pepper, Now);

        result.Should().BeEquivalentTo(new KeyVerificationResult(true, record.Id, "alice", [KeyScopes.Chat], ["deepseek-chat"], Now.AddTicks(1)));
    }

    [Theory]
    [InlineData(null, KeyRejections.Missing)]
    [InlineData("   ", KeyRejections.Missing)]
    [InlineData("sk-short", KeyRejections.Malformed)]
    [InlineData("not-a-key-at-all-but-long-enough-to-look-serious", KeyRejections.Malformed)]
    public void Missing_and_malformed_keys_are_refused_before_any_lookup(string? key, string reason)
    {
        KeyVerifier.RejectShape(key, out _)!.Reason.Should().Be(reason);
    }

    [Fact]
    public void Unknown_prefix_and_wrong_secret_are_both_unknown()
    {
        var (key, record) = NewKey();
        var wrongSecret = key[..12] + new string('Z', 40);

        KeyVerifier.Verify(key, null, Pepper, Now).Reason.Should().Be(KeyRejections.Unknown);
        KeyVerifier.Verify(wrongSecret, record, Pepper, Now).Should().Be(new KeyVerificationResult(false, Reason: KeyRejections.Unknown));
    }

    [Fact]
    public void A_different_pepper_makes_every_stored_key_unknown()
    {
        var (key, record) = NewKey(pepper: Encoding.UTF8.GetBytes("rotated"));

        KeyVerifier.Verify(key, record, Pepper, Now).Reason.Should().Be(KeyRejections.Unknown);
    }

    [Fact]
    public void Revoked_and_expired_are_reported_only_to_the_holder_of_the_real_key()
    {
        var (revokedKey, revoked) = NewKey(revoked: Now.AddMinutes(-1));
        var (expiredKey, expired) = NewKey(expires: Now);

        KeyVerifier.Verify(revokedKey, revoked, Pepper, Now).Reason.Should().Be(KeyRejections.Revoked);
        KeyVerifier.Verify(expiredKey, expired, Pepper, Now).Reason.Should().Be(KeyRejections.Expired);
        KeyVerifier.Verify(expiredKey[..12] + new string('Z', 40), expired, Pepper, Now).Reason.Should().Be(KeyRejections.Unknown);
    }
}
