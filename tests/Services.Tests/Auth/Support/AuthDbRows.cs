using System.Text;
using Microsoft.Data.Sqlite;

namespace Services.Tests.Auth.Support;

/// <summary>Every row of every table in the auth-db SQLite file, read directly (not through the sidecar).</summary>
public static class AuthDbRows
{
    /// <summary>
    /// One string per row: the key and every column as stored, plus the decoded bytes of base64 values, so a secret
    /// stored base64-encoded (binary state) is found too.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(string databasePath)
    {
        var rows = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        foreach (var table in await TablesAsync(connection))
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var columns = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i)) ?? "").ToList();
                rows.Add(string.Join(" | ", columns.Concat(columns.Select(DecodedBase64))));
            }
        }

        return rows;
    }

    private static async Task<List<string>> TablesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static string DecodedBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : "";
    }
}
