namespace LocalDapr.State;

/// <summary>
/// Lua run by <see cref="RedisStateStore"/>. Each entry is a hash with <c>data</c> and <c>version</c> fields, the
/// layout dapr's state.redis uses, so the ETag check and the write happen atomically inside Redis.
/// </summary>
internal static class RedisScripts
{
    /// <summary>Result: data, version, remaining TTL in ms (-1 none); nil when absent.</summary>
    public const string Get = """
        local fields = redis.call('HMGET', KEYS[1], 'data', 'version')
        if not fields[2] then return nil end
        return { fields[1], fields[2], redis.call('PTTL', KEYS[1]) }
        """;

    // A shared precondition check, then the write. ARGV per operation: etag ('' = none), firstWrite ('1'/'0').
    private const string CheckFunction = """
        local function check(key, etag, firstWrite)
          local current = redis.call('HGET', key, 'version')
          if etag ~= '' then
            if (not current) or current ~= etag then return false end
          elseif firstWrite == '1' and current then
            return false
          end
          return true
        end
        local function write(key, data, ttl)
          redis.call('HSET', key, 'data', data)
          local version = redis.call('HINCRBY', key, 'version', 1)
          local seconds = tonumber(ttl)
          if seconds > 0 then redis.call('EXPIRE', key, seconds) else redis.call('PERSIST', key) end
          return version
        end
        """;

    /// <summary>ARGV: etag, firstWrite, data, ttlSeconds (0 = none). Returns the new version or error ETAG_MISMATCH.</summary>
    public const string Set = CheckFunction + "\n" + """
        if not check(KEYS[1], ARGV[1], ARGV[2]) then return redis.error_reply('ETAG_MISMATCH ' .. KEYS[1]) end
        return write(KEYS[1], ARGV[3], ARGV[4])
        """;

    /// <summary>ARGV: etag. Returns the number of deleted keys or error ETAG_MISMATCH.</summary>
    public const string Delete = CheckFunction + "\n" + """
        if not check(KEYS[1], ARGV[1], '0') then return redis.error_reply('ETAG_MISMATCH ' .. KEYS[1]) end
        return redis.call('DEL', KEYS[1])
        """;

    /// <summary>
    /// KEYS: one per operation. ARGV: 5 per operation: kind ('u'/'d'), etag, firstWrite, data, ttlSeconds.
    /// Every check runs before any write: all or nothing.
    /// </summary>
    public const string Transaction = CheckFunction + "\n" + """
        for i, key in ipairs(KEYS) do
          local base = (i - 1) * 5
          local firstWrite = ARGV[base + 3]
          if ARGV[base + 1] == 'd' then firstWrite = '0' end
          if not check(key, ARGV[base + 2], firstWrite) then return redis.error_reply('ETAG_MISMATCH ' .. key) end
        end
        for i, key in ipairs(KEYS) do
          local base = (i - 1) * 5
          if ARGV[base + 1] == 'd' then redis.call('DEL', key) else write(key, ARGV[base + 4], ARGV[base + 5]) end
        end
        return #KEYS
        """;
}
