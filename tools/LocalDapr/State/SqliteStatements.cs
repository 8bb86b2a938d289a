namespace LocalDapr.State;

/// <summary>
/// The SQL of <see cref="SqliteStateStore"/> for one table. The table name is validated as an identifier
/// (<see cref="SqliteStateStoreOptions"/>); every value is a parameter. An expired row counts as absent.
/// </summary>
internal sealed class SqliteStatements(string table)
{
    private const string Live = "(expiration_time IS NULL OR expiration_time > @now)";
    private const string Columns = "(key, value, is_binary, etag, expiration_time, update_time) VALUES (@key, @value, @isBinary, @etag, @expires, @now)";
    private const string SetAll = "value = excluded.value, is_binary = excluded.is_binary, etag = excluded.etag, expiration_time = excluded.expiration_time, update_time = excluded.update_time";

    public string CreateTable { get; } = $"""
        CREATE TABLE IF NOT EXISTS "{table}" (
          key TEXT NOT NULL PRIMARY KEY,
          value TEXT NOT NULL,
          is_binary BOOLEAN NOT NULL,
          etag TEXT NOT NULL,
          expiration_time TIMESTAMP DEFAULT NULL,
          update_time TIMESTAMP DEFAULT NULL)
        """;

    public string CreateExpirationIndex { get; } = $"""CREATE INDEX IF NOT EXISTS "{table}_expiration_time" ON "{table}" (expiration_time)""";

    public string Select { get; } = $"""SELECT value, is_binary, etag, expiration_time FROM "{table}" WHERE key = @key AND {Live}""";

    public string Upsert { get; } = $"""INSERT INTO "{table}" {Columns} ON CONFLICT (key) DO UPDATE SET {SetAll}""";

    // First write: the insert may replace only a row that has expired.
    public string InsertIfAbsent { get; } = $"""
        INSERT INTO "{table}" {Columns} ON CONFLICT (key) DO UPDATE SET {SetAll}
        WHERE "{table}".expiration_time IS NOT NULL AND "{table}".expiration_time <= @now
        """;

    public string UpdateIfETag { get; } = $"""
        UPDATE "{table}" SET value = @value, is_binary = @isBinary, etag = @etag, expiration_time = @expires, update_time = @now
        WHERE key = @key AND etag = @expected AND {Live}
        """;

    public string Delete { get; } = $"""DELETE FROM "{table}" WHERE key = @key""";

    public string DeleteIfETag { get; } = $"""DELETE FROM "{table}" WHERE key = @key AND etag = @expected AND {Live}""";

    public string DeleteExpired { get; } = $"""DELETE FROM "{table}" WHERE expiration_time IS NOT NULL AND expiration_time <= @now""";
}
