using System.Collections.Concurrent;

namespace LocalDapr.State;

/// <summary>
/// One writer at a time per database file inside this process, waited for asynchronously. SQLite allows a single
/// writer anyway; without this, concurrent writers collide on the file lock and SQLite's busy handler makes each
/// loser sleep on a thread-pool thread (1, 2, 5 … 100 ms steps) until the lock frees. Other processes sharing the
/// file still meet the busy timeout.
/// </summary>
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> ByDatabase = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteWriteGate()
    {
    }

    /// <summary>The gate of a database file (full path), shared by every store of this process that opens it.</summary>
    public static SqliteWriteGate ForFile(string path) => ByDatabase.GetOrAdd(path, static _ => new SqliteWriteGate());

    /// <summary>A gate of its own, for a store's private in-memory database.</summary>
    public static SqliteWriteGate Private() => new();

    /// <summary>Waits for the write turn; after <paramref name="timeout"/> fails as SQLite does when its lock stays taken.</summary>
    public async ValueTask<Releaser> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await _writer.WaitAsync(timeout, cancellationToken))
        {
            throw new Microsoft.Data.Sqlite.SqliteException("database is locked", 5 /* SQLITE_BUSY */);
        }

        return new Releaser(_writer);
    }

    public readonly struct Releaser(SemaphoreSlim writer) : IDisposable
    {
        public void Dispose() => writer.Release();
    }
}
