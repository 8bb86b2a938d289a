using System.Globalization;
using System.Text;
using LocalDapr.Abstractions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LocalDapr.State;

/// <summary>
/// <c>state.sqlite</c> with daprd's table layout (key, value, is_binary, etag, expiration_time, update_time), so a
/// database file written here reads the same with daprd. Every write is one parameterised statement whose WHERE
/// clause carries the ETag/first-write check, so checks and writes are atomic without application locks; a
/// transaction runs them inside <c>BEGIN IMMEDIATE</c>. ETags are random GUIDs as in daprd.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore, IAsyncDisposable
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fffffff";

    private readonly SqliteStateStoreOptions _options;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SqliteStatements _sql;
    private readonly CancellationTokenSource _stop = new();

    // Keeps a shared-cache in-memory database alive between operations; SQLite drops it with the last connection.
    private SqliteConnection? _keepAlive;
    private Task _cleanup = Task.CompletedTask;

    private SqliteStateStore(SqliteStateStoreOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _connectionString = options.ToConnectionString();
        _sql = new SqliteStatements(options.TableName);
    }

    public string Name => _options.Name;

    public bool IsActorStateStore => _options.IsActorStateStore;

    public static async Task<SqliteStateStore> OpenAsync(SqliteStateStoreOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var store = new SqliteStateStore(options, time, logger);
        await store.InitializeAsync(cancellationToken);
        return store;
    }

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, key, Now(), cancellationToken);
    }

    public async Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var now = Now();
        var result = new StateEntry?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            result[i] = await ReadAsync(connection, keys[i], now, cancellationToken);
        }

        return result;
    }

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await WriteAsync(connection, null, write, Now(), cancellationToken);
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await RemoveAsync(connection, null, delete, Now(), cancellationToken);
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // Not deferred: BEGIN IMMEDIATE takes the write lock up front, so concurrent transactions queue instead of deadlocking.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var now = Now();
        foreach (var operation in operations)
        {
            if (operation is UpsertOperation upsert)
            {
                await WriteAsync(connection, transaction, upsert.Write, now, cancellationToken);
            }
            else if (operation is DeleteOperation delete)
            {
                await RemoveAsync(connection, transaction, delete.Delete, now, cancellationToken);
            }
        }

        // A failed operation throws before this line; disposing the transaction then rolls everything back.
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _cleanup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }

        // Pooled connections would keep the database file open after the runtime stops.
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _stop.Dispose();
    }

    /// <summary>Deletes expired rows; returns how many.</summary>
    internal async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = _sql.DeleteExpired;
        command.Parameters.AddWithValue("@now", Now());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_options.DatabasePath is { } path && Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        if (_options.IsInMemory)
        {
            _keepAlive = new SqliteConnection(_connectionString);
            await _keepAlive.OpenAsync(cancellationToken);
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        if (!_options.IsInMemory && !_options.DisableWal)
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await ExecuteAsync(connection, _sql.CreateTable, cancellationToken);
        await ExecuteAsync(connection, _sql.CreateExpirationIndex, cancellationToken);

        if (_options.CleanupInterval > TimeSpan.Zero)
        {
            _cleanup = CleanupLoopAsync(_stop.Token);
        }
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // Pooled connections keep the pragma, but a fresh one needs it; it is cheap either way.
        await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};", cancellationToken);
        return connection;
    }

    private async Task<StateEntry?> ReadAsync(SqliteConnection connection, string key, string now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _sql.Select;
        command.Parameters.AddWithValue("@key", key);
        command.Parameters.AddWithValue("@now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var text = reader.GetString(0);
        var value = reader.GetBoolean(1) ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        var expires = reader.IsDBNull(3)
            ? (DateTimeOffset?)null
            : DateTimeOffset.ParseExact(reader.GetString(3), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new StateEntry(key, value, reader.GetString(2), expires);
    }

    private async Task<string> WriteAsync(SqliteConnection connection, SqliteTransaction? transaction, StateWrite write, string now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = write.ETag is not null ? _sql.UpdateIfETag
            : write.Concurrency == Concurrency.FirstWrite ? _sql.InsertIfAbsent
            : _sql.Upsert;

        var etag = Guid.NewGuid().ToString();
        var isBinary = !JsonBytes.IsJson(write.Value.Span);
        command.Parameters.AddWithValue("@key", write.Key);
        command.Parameters.AddWithValue("@value", isBinary ? Convert.ToBase64String(write.Value.Span) : Encoding.UTF8.GetString(write.Value.Span));
        command.Parameters.AddWithValue("@isBinary", isBinary);
        command.Parameters.AddWithValue("@etag", etag);
        command.Parameters.AddWithValue("@expires", write.TtlSeconds is > 0
            ? _time.GetUtcNow().AddSeconds(write.TtlSeconds.Value).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)
            : DBNull.Value);
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expected", (object?)write.ETag ?? DBNull.Value);

        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ETagMismatchException(write.Key);
        }

        return etag;
    }

    private async Task RemoveAsync(SqliteConnection connection, SqliteTransaction? transaction, StateDelete delete, string now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = delete.ETag is null ? _sql.Delete : _sql.DeleteIfETag;
        command.Parameters.AddWithValue("@key", delete.Key);
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expected", (object?)delete.ETag ?? DBNull.Value);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0 && delete.ETag is not null)
        {
            throw new ETagMismatchException(delete.Key);
        }
    }

    private async Task CleanupLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CleanupInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var removed = await DeleteExpiredAsync(cancellationToken);
                    LogCleanup(Name, removed);
                }
                catch (SqliteException ex)
                {
                    // A busy database must not end the loop; the next tick tries again.
                    LogCleanupFailed(Name, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the loop ends with the store.
        }
    }

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "State store {Store}: removed {Count} expired rows")]
    private partial void LogCleanup(string store, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State store {Store}: expired-row cleanup failed")]
    private partial void LogCleanupFailed(string store, Exception exception);
}
