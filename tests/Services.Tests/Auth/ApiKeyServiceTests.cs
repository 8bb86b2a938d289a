using System.Text;
using DeepSeek.Dapr.Auth.Keys;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Services.Tests.Auth.Support;

namespace Services.Tests.Auth;

/// <summary>Key lifecycle against the real auth-db (SQLite) and the pepper from the real local-file secret store.</summary>
[Collection(AuthSidecarsCollection.Name)]
public sealed class ApiKeyServiceTests(AuthSidecars sidecars)
{
    private readonly Users.Support.FixedTime _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    private ApiKeyService Keys => new(sidecars.Store, Pepper(), _time);

    private SecretStoreKeyPepper Pepper() => new(sidecars.AuthDapr, new ConfigurationBuilder().Build());

    private static string NewUser() => "user-" + Guid.NewGuid().ToString("n")[..10];

    [Fact]
    public async Task The_pepper_is_the_nested_secret_auth_key_pepper()
    {
        var pepper = await Pepper().GetAsync(default);

        Encoding.UTF8.GetString(pepper).Should().Be(sidecars.Pepper);
    }

    [Fact]
    public async Task A_created_key_verifies_and_is_stored_only_as_salted_hash()
    {
        var userId = NewUser();
        var created = await Keys.CreateAsync(new NewKey(userId, "ci", [KeyScopes.Chat], ["deepseek-chat"], null), default);

        var result = await Keys.VerifyAsync(created.ApiKey, default);

        result.Should().BeEquivalentTo(new KeyVerificationResult(true, created.Key.Id, userId, [KeyScopes.Chat], ["deepseek-chat"]));
        created.ApiKey.Should().StartWith("sk-" + created.Key.Id + "_");
        var stored = await sidecars.AuthDapr.GetByteStateAsync(Components.AuthDb, ApiKeyRecord.StateKey(created.Key.Id));
        var raw = Encoding.UTF8.GetString(stored.Span);
        raw.Should().Contain("\"hash\":").And.NotContain(created.ApiKey).And.NotContain(created.ApiKey[12..]);
    }

    [Fact]
    public async Task Verifying_costs_one_state_read_and_nothing_else_whatever_the_outcome()
    {
        var counting = new CountingStateStore(sidecars.Store);
        var keys = new ApiKeyService(counting, Pepper(), _time);
        var created = await keys.CreateAsync(new NewKey(NewUser(), null, [KeyScopes.Chat], [], null), default);
        await keys.RevokeAsync((await keys.CreateAsync(new NewKey(NewUser(), null, [KeyScopes.Chat], [], null), default)).Key.Id, default);
        var (reads, bulk, commits) = (counting.Reads, counting.BulkReads, counting.Commits);

        foreach (var key in new[] { created.ApiKey, created.ApiKey[..12] + new string('Z', 40), ApiKeyFormat.Generate() })
        {
            await keys.VerifyAsync(key, default);
        }

        await keys.VerifyAsync("sk-malformed", default);
        counting.Reads.Should().Be(reads + 3, "one read per well-formed key, none for a malformed one");
        counting.BulkReads.Should().Be(bulk);
        counting.Commits.Should().Be(commits);
    }

    [Fact]
    public async Task Listing_shows_every_key_of_a_user_created_concurrently_without_secrets()
    {
        var userId = NewUser();
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Keys.CreateAsync(new NewKey(userId, $"k{i}", [KeyScopes.Chat], [], null), default)));

        var listed = await Keys.ListAsync(userId, default);

        listed.Select(k => k.Id).Should().BeEquivalentTo(created.Select(c => c.Key.Id));
        var json = System.Text.Json.JsonSerializer.Serialize(listed.ToList(), ContractsJsonContext.Default.ListApiKeyInfo);
        created.Should().AllSatisfy(c => json.Should().NotContain(c.ApiKey[12..]));
    }

    [Fact]
    public async Task The_admin_listing_holds_keys_of_every_user_and_a_key_is_found_by_its_id()
    {
        var alice = await Keys.CreateAsync(new NewKey(NewUser(), "a", [KeyScopes.Chat], [], null), default);
        var bob = await Keys.CreateAsync(new NewKey(NewUser(), "b", [KeyScopes.Admin], ["deepseek-chat"], null), default);

        var all = await Keys.ListAllAsync(default);

        all.Select(k => k.Id).Should().Contain([alice.Key.Id, bob.Key.Id]);
        all.Single(k => k.Id == bob.Key.Id).Should().BeEquivalentTo(bob.Key);
        (await Keys.FindAsync(alice.Key.Id, default)).Should().BeEquivalentTo(alice.Key);
        (await Keys.FindAsync("zzzzzzzz", default)).Should().BeNull();
    }

    [Fact]
    public async Task Revoked_and_expired_keys_are_refused_with_their_reason()
    {
        var userId = NewUser();
        var revokedKey = await Keys.CreateAsync(new NewKey(userId, null, [KeyScopes.Chat], [], null), default);
        var expiringKey = await Keys.CreateAsync(new NewKey(userId, null, [KeyScopes.Chat], [], _time.Now.AddHours(1)), default);

        var revoked = await Keys.RevokeAsync(revokedKey.Key.Id, default);
        var again = await Keys.RevokeAsync(revokedKey.Key.Id, default);
        _time.Now = _time.Now.AddHours(1);

        revoked!.RevokedAt.Should().NotBeNull();
        again!.RevokedAt.Should().Be(revoked.RevokedAt);
        (await Keys.VerifyAsync(revokedKey.ApiKey, default)).Reason.Should().Be(KeyRejections.Revoked);
        (await Keys.VerifyAsync(expiringKey.ApiKey, default)).Reason.Should().Be(KeyRejections.Expired);
        (await Keys.RevokeAsync("zzzzzzzz", default)).Should().BeNull();
    }

    [Fact]
    public async Task Unknown_malformed_and_missing_keys_get_their_reasons()
    {
        (await Keys.VerifyAsync("sk-qqqqqqqq_" + new string('x', 40), default)).Reason.Should().Be(KeyRejections.Unknown);
        (await Keys.VerifyAsync("sk-nope", default)).Reason.Should().Be(KeyRejections.Malformed);
        (await Keys.VerifyAsync(null, default)).Reason.Should().Be(KeyRejections.Missing);
    }

    [Fact]
    public async Task The_bootstrap_key_is_stored_once_for_admin_and_survives_restarts()
    {
        var plaintext = ApiKeyFormat.Generate();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BootstrapKeyTask.EnvironmentVariable] = plaintext })
            .Build();

        await new BootstrapKeyTask(Keys, sidecars.AuthDapr, configuration, NullLogger<BootstrapKeyTask>.Instance).RunAsync(default);
        var first = await Keys.VerifyAsync(plaintext, default);
        await new BootstrapKeyTask(Keys, sidecars.AuthDapr, configuration, NullLogger<BootstrapKeyTask>.Instance).RunAsync(default);

        first.Valid.Should().BeTrue();
        first.UserId.Should().Be("admin");
        first.Scopes.Should().BeEquivalentTo([KeyScopes.Chat, KeyScopes.Admin]);
        (await Keys.VerifyAsync(plaintext, default)).Should().BeEquivalentTo(first);
        (await Keys.ImportAsync(plaintext, new NewKey("someone-else", null, [KeyScopes.Chat], [], null), default)).Should().BeFalse();
        (await Keys.ListAsync("admin", default)).Where(k => k.Id == first.KeyId).Should().ContainSingle();
    }

    [Fact]
    public async Task Without_the_variable_the_bootstrap_key_is_read_from_the_named_secret()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BootstrapKeyTask.SecretNameSetting] = "auth:bootstrap-key" })
            .Build();

        await new BootstrapKeyTask(Keys, sidecars.AuthDapr, configuration, NullLogger<BootstrapKeyTask>.Instance).RunAsync(default);

        var result = await Keys.VerifyAsync(sidecars.SecretStoreBootstrapKey, default);
        result.Valid.Should().BeTrue();
        result.UserId.Should().Be(BootstrapKeyTask.AdminUserId);
    }

    [Fact]
    public async Task A_named_secret_that_does_not_exist_fails_the_task_so_it_is_retried()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BootstrapKeyTask.SecretNameSetting] = "auth:no-such-secret" })
            .Build();

        var run = () => new BootstrapKeyTask(Keys, sidecars.AuthDapr, configuration, NullLogger<BootstrapKeyTask>.Instance).RunAsync(default);

        await run.Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task A_malformed_bootstrap_key_is_not_stored()
    {
        var malformed = "sk-" + Guid.NewGuid().ToString("n")[..8] + "_short";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BootstrapKeyTask.EnvironmentVariable] = malformed })
            .Build();

        await new BootstrapKeyTask(Keys, sidecars.AuthDapr, configuration, NullLogger<BootstrapKeyTask>.Instance).RunAsync(default);

        (await Keys.FindAsync(malformed.Substring(3, 8), default)).Should().BeNull();
    }
}
