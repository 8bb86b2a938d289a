using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace LocalDapr.State;

/// <summary>
/// <c>_pragma=name(value)</c> entries of a <c>state.sqlite</c> connection string's query, as daprd's SQLite driver
/// (modernc.org/sqlite) runs them on every new connection, e.g. <c>data.db?_pragma=synchronous(NORMAL)</c>.
/// Like daprd (components-contrib <c>common/authentication/sqlite</c>), <c>busy_timeout</c> and <c>journal_mode</c>
/// are refused here because the <c>busyTimeout</c> and <c>disableWAL</c> metadata fields own them, and
/// <c>foreign_keys</c> is refused too. daprd passes any other name to SQLite, which ignores names it does not know;
/// here an unknown name is a component error instead, so a typo does not silently leave the default in place.
/// </summary>
internal static partial class SqlitePragmas
{
    /// <summary>Pragmas that set a per-connection or per-database option (the read-only and diagnostic ones are left out).</summary>
    private static readonly FrozenSet<string> Known = new[]
    {
        "analysis_limit", "application_id", "auto_vacuum", "automatic_index", "cache_size", "cache_spill",
        "case_sensitive_like", "cell_size_check", "checkpoint_fullfsync", "defer_foreign_keys", "encoding", "fullfsync",
        "hard_heap_limit", "ignore_check_constraints", "journal_size_limit", "legacy_alter_table", "locking_mode",
        "max_page_count", "mmap_size", "page_size", "query_only", "recursive_triggers", "reverse_unordered_selects",
        "secure_delete", "soft_heap_limit", "synchronous", "temp_store", "threads", "trusted_schema", "user_version",
        "wal_autocheckpoint",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> OwnedByMetadata = new Dictionary<string, string>
    {
        ["busy_timeout"] = "use the 'busyTimeout' metadata field instead",
        ["journal_mode"] = "use the 'disableWAL' metadata field instead",
        ["foreign_keys"] = "the state store does not use foreign keys",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The <c>PRAGMA</c> statements for the connection string's <c>_pragma</c> entries, in order. Throws
    /// <see cref="ArgumentException"/> with the reason for a malformed, refused or unknown entry.
    /// </summary>
    public static IReadOnlyList<string> Parse(string connectionString)
    {
        var query = connectionString.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return [];
        }

        var statements = new List<string>();
        foreach (var part in connectionString[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || !string.Equals(Uri.UnescapeDataString(part[..eq]), "_pragma", StringComparison.Ordinal))
            {
                continue;
            }

            var entry = Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' ')).Trim();
            var match = Entry().Match(entry);
            if (!match.Success)
            {
                throw new ArgumentException($"'_pragma={entry}' is not of the form name(value) or name=value, e.g. _pragma=synchronous(NORMAL)");
            }

            var name = match.Groups["name"].Value.ToLowerInvariant();
            if (OwnedByMetadata.TryGetValue(name, out var instead))
            {
                throw new ArgumentException($"found forbidden option '_pragma={name}' in the connection string: {instead}");
            }

            if (!Known.Contains(name))
            {
                throw new ArgumentException($"unknown SQLite pragma '{name}' in '_pragma={entry}'");
            }

            statements.Add($"PRAGMA {name} = {match.Groups["value"].Value};");
        }

        return statements;
    }

    // The value is a keyword or a number: nothing that could end the statement or start another one.
    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?<value>[A-Za-z0-9_+\-.]+)\s*\)|=\s*(?<value>[A-Za-z0-9_+\-.]+))$")]
    private static partial Regex Entry();
}
