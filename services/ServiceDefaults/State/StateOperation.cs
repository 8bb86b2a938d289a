using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DeepSeek.Dapr.ServiceDefaults.State;

/// <summary>A write inside a state transaction, already serialised.</summary>
public sealed record StateOperation
{
    private StateOperation(string key, byte[]? value, string? etag, bool conditional, int? ttlSeconds)
    {
        Key = key;
        Value = value;
        ETag = etag;
        Conditional = conditional;
        TtlSeconds = ttlSeconds;
    }

    public string Key { get; }

    /// <summary>Null for a delete.</summary>
    public byte[]? Value { get; }

    public string? ETag { get; }

    /// <summary>When true, the write requires <see cref="ETag"/> to match, or (ETag null) the key to be absent.</summary>
    public bool Conditional { get; }

    public int? TtlSeconds { get; }

    public bool IsDelete => Value is null;

    /// <summary>Optimistic write: <paramref name="etag"/> is what was read; null means "create, must not exist yet".</summary>
    public static StateOperation Put<T>(string key, T value, JsonTypeInfo<T> type, string? etag, int? ttlSeconds = null) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value, type), etag, conditional: true, ttlSeconds);

    /// <summary>Unconditional write (last write wins): only for data no one else updates.</summary>
    public static StateOperation Overwrite<T>(string key, T value, JsonTypeInfo<T> type, int? ttlSeconds = null) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value, type), etag: null, conditional: false, ttlSeconds);

    public static StateOperation Delete(string key, string? etag = null) => new(key, null, etag, etag is not null, null);
}
