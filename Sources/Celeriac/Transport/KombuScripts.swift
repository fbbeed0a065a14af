import CeleriacRedis

/// The Lua scripts kombu and redis-py run, with their exact source so the SHA1s match what
/// Python peers load.
enum KombuScripts {
    /// kombu's REFRESH_BINDING: SADD the binding and push its deadline in
    /// `_kombu.binding_deadlines` (for queues declared with `x-expires`).
    static let refreshBinding = RedisScript("""

        redis.call('SADD', KEYS[1], ARGV[1])
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        redis.call('ZADD', KEYS[2], 'GT', ms + tonumber(ARGV[3]), ARGV[2])

        """.replacingIndent())

    /// Celeriac's restore of one unacked message: if `unacked[ARGV[1]]` still holds ARGV[2] (the
    /// entry as read), drop it from `unacked` (KEYS[1]) and `unacked_index` (KEYS[2]) and push
    /// ARGV[3] (the envelope, redelivered) with ARGV[4] (`RPUSH` or `LPUSH`) onto each of
    /// KEYS[3...]. Replies the number of queues pushed to, or -1 when the entry changed.
    static let restore = RedisScript("""
        if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[1], ARGV[1])
        for i = 3, #KEYS do redis.call(ARGV[4], KEYS[i], ARGV[3]) end
        return #KEYS - 2
        """)

    /// redis-py's lock release: delete the lock only if it still holds our token.
    static let lockRelease = RedisScript("""

                local token = redis.call('get', KEYS[1])
                if not token or token ~= ARGV[1] then
                    return 0
                end
                redis.call('del', KEYS[1])
                return 1
            
        """)
}

extension String {
    /// The literal above is indented for readability; kombu's text starts at column 0.
    fileprivate func replacingIndent() -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                var line = line
                while line.first == " " { line.removeFirst() }
                return line
            }
            .joined(separator: "\n")
    }
}
