using System.Text.RegularExpressions;
using LocalDapr.Components;
using Microsoft.Data.Sqlite;

namespace LocalDapr.State;

/// <summary>
/// <c>state.sqlite</c> metadata. <c>connectionString</c> is what daprd accepts: a file path (relative paths are
/// relative to the runtime's working directory, as for daprd), a <c>file:</c> URI, <c>:memory:</c> /
/// <c>file::memory:...</c>, or an ADO.NET <c>Data Source=...</c> string.
/// </summary>
public sealed partial record SqliteStateStoreOptions(
    string Name,
    string? DatabasePath,
    bool IsInMemory,
    string TableName,
    TimeSpan BusyTimeout,
    TimeSpan Timeout,
    TimeSpan CleanupInterval,
    bool DisableWal,
    bool IsActorStateStore)
{
    public static SqliteStateStoreOptions From(ComponentMetadata metadata)
    {
        var raw = metadata.Required("connectionString").Trim();
        var table = metadata.Get("tableName") ?? "state";
        if (!Identifier().IsMatch(table))
        {
            throw metadata.Error($"metadata field 'tableName' must be a plain identifier (letters, digits, '_'), got '{table}'");
        }

        var isMemory = raw == ":memory:" || raw.StartsWith("file::memory:", StringComparison.OrdinalIgnoreCase)
            || raw.Contains("mode=memory", StringComparison.OrdinalIgnoreCase);
        var path = isMemory ? null : ToPath(raw);
        if (path is not null && path.Length == 0)
        {
            throw metadata.Error($"metadata field 'connectionString' has no database path: '{raw}'");
        }

        return new SqliteStateStoreOptions(
            metadata.Component.Name,
            path,
            isMemory,
            table,
            metadata.GetDuration("busyTimeout", TimeSpan.FromSeconds(2)),
            metadata.GetDuration("timeout", TimeSpan.FromSeconds(20)),
            metadata.GetDuration("cleanupInterval", TimeSpan.FromHours(1)),
            metadata.GetBool("disableWAL"),
            metadata.GetBool("actorStateStore"));
    }

    public string ToConnectionString()
    {
        var builder = new SqliteConnectionStringBuilder
        {
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds)),
        };
        if (IsInMemory)
        {
            // A named shared-cache database: every connection of this store sees the same data, and two
            // components never share one by accident.
            builder.DataSource = $"localdapr-{Name}-{Guid.NewGuid():N}";
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        else
        {
            builder.DataSource = DatabasePath;
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }

        return builder.ToString();
    }

    private static string ToPath(string raw)
    {
        if (raw.Contains('=', StringComparison.Ordinal) && !raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return Path.GetFullPath(new SqliteConnectionStringBuilder(raw).DataSource);
        }

        var path = raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? raw["file:".Length..] : raw;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        return path.Length == 0 ? path : Path.GetFullPath(path);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
