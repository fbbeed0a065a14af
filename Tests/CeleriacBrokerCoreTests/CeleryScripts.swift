/// Lua equivalents of the scripts kombu, redis-py and Celery run (PROTOCOL.md §1.5 and §5.5),
/// written from their descriptions.
enum CeleryScripts {
    /// kombu REFRESH_BINDING. K: table, deadlines. A: member, exchange, ttl_ms.
    static let refreshBinding = """
        redis.call('SADD', KEYS[1], ARGV[1])
        local t = redis.call('TIME')
        local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[2], 'GT', now_ms + tonumber(ARGV[3]), ARGV[2])
        return nil
        """

    /// kombu SWEEP_BINDINGS. K: deadlines. A: binding prefix, permanent prefix, limit.
    static let sweepBindings = """
        local t = redis.call('TIME')
        local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms, 'LIMIT', 0, tonumber(ARGV[3]))
        local count = 0
        for _, exchange in ipairs(expired) do
          if redis.call('EXISTS', ARGV[2] .. exchange) == 0 then
            redis.call('DEL', ARGV[1] .. exchange)
          end
          redis.call('ZREM', KEYS[1], exchange)
          count = count + 1
        end
        return count
        """

    /// redis-py Lock.release. K: lock. A: token.
    static let lockRelease = """
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
          return 0
        end
        redis.call('del', KEYS[1])
        return 1
        """

    /// Celery CHORD_PART_RETURN. K: .j .t .s .d g .c. A: id, value, ordered, index, chord ttl,
    /// group ttl, claim secs, token.
    static let chordPartReturn = """
        if redis.call('GET', KEYS[6]) == 'done' then
          return {-1, 0, 0, 0}
        end
        local member = ARGV[1] .. ':' .. ARGV[4]
        if redis.call('SISMEMBER', KEYS[4], member) == 0 then
          if ARGV[3] == '1' then
            redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
          else
            redis.call('RPUSH', KEYS[1], ARGV[2])
          end
          redis.call('SADD', KEYS[4], member)
        end
        local count
        if ARGV[3] == '1' then
          count = redis.call('ZCOUNT', KEYS[1], '-inf', '+inf')
        else
          count = redis.call('LLEN', KEYS[1])
        end
        local ttl = tonumber(ARGV[5])
        if ttl > 0 then
          redis.call('EXPIRE', KEYS[1], ttl)
          redis.call('EXPIRE', KEYS[2], ttl)
          redis.call('EXPIRE', KEYS[3], ttl)
          redis.call('EXPIRE', KEYS[4], ttl)
        end
        if tonumber(ARGV[6]) > 0 then
          redis.call('EXPIRE', KEYS[5], ARGV[6])
        end
        local size = redis.call('GET', KEYS[3])
        local adjust = redis.call('GET', KEYS[2])
        local claimed = 0
        if count == tonumber(size or 0) + tonumber(adjust or 0) then
          if redis.call('SET', KEYS[6], ARGV[8], 'NX', 'EX', ARGV[7]) then
            claimed = 1
          end
        end
        return {count, adjust, size, claimed}
        """

    /// Celery CHORD_CLAIM_EXTEND. K: .c .s. A: token, secs.
    static let chordClaimExtend = """
        local claim = redis.call('GET', KEYS[1])
        if claim == ARGV[1] then
          return redis.call('EXPIRE', KEYS[1], ARGV[2])
        end
        if not claim and redis.call('EXISTS', KEYS[2]) == 1 then
          if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
          return 0
        end
        return 0
        """

    /// Celery CHORD_CLEANUP. K: .c .j .t .s .d. A: token, secs.
    static let chordCleanup = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        redis.call('SET', KEYS[1], 'done', 'EX', ARGV[2])
        return 1
        """
}
