using System.Text.RegularExpressions;
using LocalDapr.Components;
using Microsoft.Data.Sqlite;

namespace LocalDapr.State;

/// <summary>
/// <c>state.sqlite</c> metadata. <c>connectionString</c> is what daprd accepts: a file path (relative paths are
/// relative to the runtime's working directory, as for daprd), a <c>file:</c> URI, <c>:memory:</c> /
/// <c>file::memory:...</c>, or an ADO.NET <c>Data Source=...</c> string. <c>_pragma=name(value)</c> entries in the
/// query (<c>.data/x.db?_pragma=synchronous(NORMAL)</c>) run on every new connection (<see cref="SqlitePragmas"/>).
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
    bool IsActorStateStore,
    IReadOnlyList<string> Pragmas)
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

        IReadOnlyList<string> pragmas;
        try
        {
            pragmas = IsAdoNet(raw) ? [] : SqlitePragmas.Parse(raw);
        }
        catch (ArgumentException ex)
        {
            throw metadata.Error($"metadata field 'connectionString': {ex.Message}");
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
            metadata.GetBool("actorStateStore"),
            pragmas);
    }

    public string ToConnectionString()
    {
        var builder = new SqliteConnectionStringBuilder
        {
            // The store keeps its own open connections (SqliteSessionPool), each with its pragmas applied once.
            Pooling = false,
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
        if (IsAdoNet(raw))
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

    /// <summary><c>Data Source=...;...</c>: '=' before any query string, and no <c>file:</c> URI.</summary>
    private static bool IsAdoNet(string raw)
    {
        var eq = raw.IndexOf('=', StringComparison.Ordinal);
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return eq >= 0 && (query < 0 || eq < query) && !raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
