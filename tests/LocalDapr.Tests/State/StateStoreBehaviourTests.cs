using System.Text;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using LocalDapr.Resources;
using LocalDapr.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace LocalDapr.Tests.State;

/// <summary>Store internals the API cannot show: on-disk/in-Redis layout compatible with daprd, expiry cleanup, connection strings.</summary>
public sealed class StateStoreBehaviourTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "localdapr-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task In_memory_sweep_removes_expired_entries()
    {
        await using var store = new InMemoryStateStore("s", false, TimeProvider.System, TimeSpan.FromMilliseconds(50));
        await store.SetAsync(Write("gone", "1", ttl: 1), default);
        await store.SetAsync(Write("kept", "2"), default);

        var swept = await Eventually.TrueAsync(() => Task.FromResult(store.StoredCount == 1), TimeSpan.FromSeconds(10));

        swept.Should().BeTrue();
        (await store.GetAsync("kept", default)).Should().NotBeNull();
    }

    [Fact]
    public async Task In_memory_concurrent_first_writes_let_exactly_one_win()
    {
        await using var store = new InMemoryStateStore("s", false, TimeProvider.System, TimeSpan.FromMinutes(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.SetAsync(new StateWrite("k", Encoding.UTF8.GetBytes(i.ToString()), null, Concurrency.FirstWrite, null), default);
                return true;
            }
            catch (ETagMismatchException)
            {
                return false;
            }
        })));

        results.Count(r => r).Should().Be(1);
    }

    [Fact]
    public async Task Sqlite_uses_daprd_table_layout_and_marks_binary_values()
    {
        var path = Path.Combine(_dir, "nested", "layout.db");
        await using (var store = await OpenSqliteAsync(path))
        {
            await store.SetAsync(Write("json", "{\"a\":1}"), default);
            await store.SetAsync(new StateWrite("bin", new byte[] { 0xff, 0x00, 0x10 }, null, Concurrency.LastWrite, null), default);
            (await store.GetAsync("bin", default))!.Value.ToArray().Should().Equal(0xff, 0x00, 0x10);
        }

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value, is_binary, etag, expiration_time, update_time FROM state ORDER BY key";
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("bin");
        reader.GetBoolean(2).Should().BeTrue();
        reader.GetString(1).Should().Be(Convert.ToBase64String(new byte[] { 0xff, 0x00, 0x10 }));
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(1).Should().Be("{\"a\":1}");
        reader.GetBoolean(2).Should().BeFalse();
        reader.IsDBNull(5).Should().BeFalse("update_time is set on every write");
    }

    [Fact]
    public async Task Sqlite_cleanup_deletes_expired_rows()
    {
        await using var store = await OpenSqliteAsync(Path.Combine(_dir, "ttl.db"));
        await store.SetAsync(Write("short", "1", ttl: 1), default);
        await store.SetAsync(Write("long", "1"), default);

        var expired = await Eventually.TrueAsync(async () => await store.GetAsync("short", default) is null, TimeSpan.FromSeconds(10));

        expired.Should().BeTrue();
        (await store.DeleteExpiredAsync(default)).Should().Be(1);
        (await store.DeleteExpiredAsync(default)).Should().Be(0);
        (await store.GetAsync("long", default)).Should().NotBeNull();
    }

    [Theory]
    [InlineData(":memory:")]
    [InlineData("file::memory:?cache=shared")]
    public async Task Sqlite_in_memory_connection_strings_keep_data_between_operations(string connectionString)
    {
        await using var store = await SqliteStateStore.OpenAsync(SqliteStateStoreOptions.From(Metadata(("connectionString", connectionString))),
            TimeProvider.System, NullLogger.Instance, default);

        await store.SetAsync(Write("k", "42"), default);

        Encoding.UTF8.GetString((await store.GetAsync("k", default))!.Value.Span).Should().Be("42");
    }

    [Fact]
    public async Task Sqlite_accepts_file_uris_and_rejects_bad_table_names()
    {
        var path = Path.Combine(_dir, "uri.db");
        await using (var store = await SqliteStateStore.OpenAsync(SqliteStateStoreOptions.From(Metadata(("connectionString", $"file:{path}?_pragma=synchronous(NORMAL)"))),
            TimeProvider.System, NullLogger.Instance, default))
        {
            await store.SetAsync(Write("k", "1"), default);
        }

        File.Exists(path).Should().BeTrue();
        var bad = () => SqliteStateStoreOptions.From(Metadata(("connectionString", path), ("tableName", "state; DROP TABLE x")));
        bad.Should().Throw<ResourceException>().WithMessage("*tableName*");
    }

    [Fact]
    public async Task Sqlite_runs_the_connection_strings_pragmas_on_its_connections_and_keeps_the_path_without_the_query()
    {
        var path = Path.Combine(_dir, "pragmas.db");
        await using (var store = await SqliteStateStore.OpenAsync(
            SqliteStateStoreOptions.From(Metadata(("connectionString", $"{path}?_pragma=synchronous(NORMAL)&_pragma=user_version(7)"))),
            TimeProvider.System, NullLogger.Instance, default))
        {
            await store.SetAsync(Write("k", "1"), default);
            Encoding.UTF8.GetString((await store.GetAsync("k", default))!.Value.Span).Should().Be("1");
        }

        File.Exists(path).Should().BeTrue("the query string is not part of the file name");
        await using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        await check.OpenAsync();
        await using var command = check.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(7);
        command.CommandText = "PRAGMA journal_mode;";
        (await command.ExecuteScalarAsync()).Should().Be("wal", "WAL stays on with other pragmas set");
    }

    [Theory]
    [InlineData("_pragma=busy_timeout(2000)", "*forbidden option '_pragma=busy_timeout'*busyTimeout*")]
    [InlineData("_pragma=journal_mode(WAL)", "*forbidden option '_pragma=journal_mode'*disableWAL*")]
    [InlineData("_pragma=foreign_keys(1)", "*forbidden option '_pragma=foreign_keys'*")]
    [InlineData("_pragma=synchronus(NORMAL)", "*unknown SQLite pragma 'synchronus'*")]
    [InlineData("_pragma=synchronous(NORMAL);DROP%20TABLE%20state", "*not of the form name(value)*")]
    public void Sqlite_rejects_pragmas_that_metadata_owns_unknown_names_and_malformed_entries(string query, string message)
    {
        var bad = () => SqliteStateStoreOptions.From(Metadata(("connectionString", $"file:{Path.Combine(_dir, "x.db")}?{query}")));

        bad.Should().Throw<ResourceException>().WithMessage("*connectionString*").WithMessage(message);
    }

    [Fact]
    public async Task Redis_entries_are_hashes_with_data_and_version_and_ttl_uses_expire()
    {
        var options = RedisStateStoreOptions.From(Metadata(("redisHost", StoreComponents.RedisHost)));
        await using var store = await RedisStateStore.ConnectAsync(options, default);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(StoreComponents.RedisHost);
        var key = "layout-" + Guid.NewGuid().ToString("N");

        var etag = await store.SetAsync(Write(key, "\"v\"", ttl: 100), default);

        var hash = (await redis.GetDatabase().HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        hash.Should().Equal(new Dictionary<string, string> { ["data"] = "\"v\"", ["version"] = etag });
        (await redis.GetDatabase().KeyTimeToLiveAsync(key)).Should().BeGreaterThan(TimeSpan.FromSeconds(90));

        await store.SetAsync(Write(key, "\"w\""), default);
        (await redis.GetDatabase().KeyTimeToLiveAsync(key)).Should().BeNull("a write without TTL clears the old one");
        await store.DeleteAsync(new StateDelete(key, null, Concurrency.LastWrite), default);
    }

    private Task<SqliteStateStore> OpenSqliteAsync(string path) =>
        SqliteStateStore.OpenAsync(SqliteStateStoreOptions.From(Metadata(("connectionString", path))), TimeProvider.System, NullLogger.Instance, default);

    private static StateWrite Write(string key, string json, int? ttl = null) =>
        new(key, Encoding.UTF8.GetBytes(json), null, Concurrency.LastWrite, ttl);

    private static ComponentMetadata Metadata(params (string Name, string Value)[] values)
    {
        var component = new DaprResource("dapr.io/v1alpha1", "Component", "test", null, new JsonObject { ["type"] = "state.test" }, [], null, "test.yaml", []);
        return new ComponentMetadata(component, values.ToDictionary(v => v.Name, v => v.Value));
    }
}
