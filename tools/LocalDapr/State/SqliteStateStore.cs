using System.Globalization;
using System.Text;
using LocalDapr.Abstractions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LocalDapr.State;

/// <summary>
/// <c>state.sqlite</c> with daprd's table layout (key, value, is_binary, etag, expiration_time, update_time), so a
/// database file written here reads the same with daprd. Every write is one parameterised statement whose WHERE
/// clause carries the ETag/first-write check, so checks and writes are atomic; a transaction runs them inside
/// <c>BEGIN IMMEDIATE</c>. Writers of one file take turns in-process first (<see cref="SqliteWriteGate"/>), so they
/// queue without SQLite's busy-wait sleeps. ETags are random GUIDs as in daprd.
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
    private readonly SqliteSessionPool _sessions;
    private readonly SqliteWriteGate _writes;

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
        _writes = options.DatabasePath is { } path ? SqliteWriteGate.ForFile(path) : SqliteWriteGate.Private();
        _sessions = new SqliteSessionPool(_connectionString, [$"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};", .. options.Pragmas]);
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
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            return await ReadAsync(session, key, Now(), cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
    }

    public async Task<IReadOnlyList<StateEntry?>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            var now = Now();
            var result = new StateEntry?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                result[i] = await ReadAsync(session, keys[i], now, cancellationToken);
            }

            return result;
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
    }

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        using var writer = await _writes.EnterAsync(_options.Timeout, cancellationToken);
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            return await WriteAsync(session, null, write, Now(), cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        using var writer = await _writes.EnterAsync(_options.Timeout, cancellationToken);
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            await RemoveAsync(session, null, delete, Now(), cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        using var writer = await _writes.EnterAsync(_options.Timeout, cancellationToken);
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            // Not deferred: BEGIN IMMEDIATE takes the write lock up front, so concurrent transactions queue instead of deadlocking.
            await using var transaction = session.Connection.BeginTransaction(deferred: false);
            var now = Now();
            foreach (var operation in operations)
            {
                if (operation is UpsertOperation upsert)
                {
                    await WriteAsync(session, transaction, upsert.Write, now, cancellationToken);
                }
                else if (operation is DeleteOperation delete)
                {
                    await RemoveAsync(session, transaction, delete.Delete, now, cancellationToken);
                }
            }

            // A failed operation throws before this line; disposing the transaction then rolls everything back.
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _cleanup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _sessions.DisposeAsync();
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>Deletes expired rows; returns how many.</summary>
    internal async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        using var writer = await _writes.EnterAsync(_options.Timeout, cancellationToken);
        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            var command = session.Command(_sql.DeleteExpired);
            SqliteSession.Set(command, "@now", Now());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }
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

        var session = await _sessions.RentAsync(cancellationToken);
        try
        {
            // WAL is a property of the database file (it persists), so once is enough; daprd sets it the same way.
            if (!_options.IsInMemory && !_options.DisableWal)
            {
                await ExecuteAsync(session.Connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            }

            await ExecuteAsync(session.Connection, _sql.CreateTable, cancellationToken);
            await ExecuteAsync(session.Connection, _sql.CreateExpirationIndex, cancellationToken);
        }
        finally
        {
            await _sessions.ReturnAsync(session);
        }

        if (_options.CleanupInterval > TimeSpan.Zero)
        {
            _cleanup = CleanupLoopAsync(_stop.Token);
        }
    }

    private async Task<StateEntry?> ReadAsync(SqliteSession session, string key, string now, CancellationToken cancellationToken)
    {
        var command = session.Command(_sql.Select);
        SqliteSession.Set(command, "@key", key);
        SqliteSession.Set(command, "@now", now);
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

    private async Task<string> WriteAsync(SqliteSession session, SqliteTransaction? transaction, StateWrite write, string now, CancellationToken cancellationToken)
    {
        var command = session.Command(
            write.ETag is not null ? _sql.UpdateIfETag
            : write.Concurrency == Concurrency.FirstWrite ? _sql.InsertIfAbsent
            : _sql.Upsert,
            transaction);

        var etag = Guid.NewGuid().ToString();
        var isBinary = !JsonBytes.IsJson(write.Value.Span);
        SqliteSession.Set(command, "@key", write.Key);
        SqliteSession.Set(command, "@value", isBinary ? Convert.ToBase64String(write.Value.Span) : Encoding.UTF8.GetString(write.Value.Span));
        SqliteSession.Set(command, "@isBinary", isBinary);
        SqliteSession.Set(command, "@etag", etag);
        SqliteSession.Set(command, "@expires", write.TtlSeconds is > 0
            ? _time.GetUtcNow().AddSeconds(write.TtlSeconds.Value).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)
            : null);
        SqliteSession.Set(command, "@now", now);
        SqliteSession.Set(command, "@expected", write.ETag);

        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ETagMismatchException(write.Key);
        }

        return etag;
    }

    private async Task RemoveAsync(SqliteSession session, SqliteTransaction? transaction, StateDelete delete, string now, CancellationToken cancellationToken)
    {
        var command = session.Command(delete.ETag is null ? _sql.Delete : _sql.DeleteIfETag, transaction);
        SqliteSession.Set(command, "@key", delete.Key);
        SqliteSession.Set(command, "@now", now);
        SqliteSession.Set(command, "@expected", delete.ETag);
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
