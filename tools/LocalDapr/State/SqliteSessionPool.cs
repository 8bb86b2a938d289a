using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace LocalDapr.State;

/// <summary>
/// Open connections of one SQLite store, each set up once (busy timeout and the connection string's pragmas) and
/// reused: before, every operation opened a pooled connection and ran <c>PRAGMA busy_timeout</c> again.
/// At most <see cref="MaxIdle"/> stay open between operations; a burst above that opens extra ones and closes them after.
/// </summary>
internal sealed class SqliteSessionPool(string connectionString, IReadOnlyList<string> setup) : IAsyncDisposable
{
    private const int MaxIdle = 16;
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private int _idleCount;
    private int _disposed;

    public async ValueTask<SqliteSession> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            foreach (var statement in setup)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new SqliteSession(connection);
    }

    /// <summary>Back to the pool when it is still usable and there is room; closed otherwise.</summary>
    public async ValueTask ReturnAsync(SqliteSession session)
    {
        if (Volatile.Read(ref _disposed) == 0 && session.Connection.State == System.Data.ConnectionState.Open)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
            {
                _idle.Add(session);
                if (Volatile.Read(ref _disposed) != 0)
                {
                    // Disposed meanwhile: nobody drains the pool again, so close what is left now.
                    await DrainAsync();
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        await session.DisposeAsync();
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return DrainAsync();
    }

    private async ValueTask DrainAsync()
    {
        while (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            await session.DisposeAsync();
        }
    }
}
