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
