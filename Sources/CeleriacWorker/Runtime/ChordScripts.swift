import CeleriacRedis

/// The chord scripts of Celery 5.7's Redis result backend (`celery/backends/redis.py`), with
/// their exact source so the SHA-1s match what Python workers load and both can share a chord.
enum ChordScripts {
    /// CHORD_PART_RETURN: records one header part (deduplicated), counts the parts, and claims
    /// the body's dispatch when the count reaches the chord size.
    static let partReturn = RedisScript("""

        local jkey, tkey, skey, dkey, gkey, ckey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
        local tid, value, ordered, score = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local expires, group_expires = tonumber(ARGV[5]), tonumber(ARGV[6])
        local claim_expires = tonumber(ARGV[7])
        local claim_token = ARGV[8]

        -- Prevent late duplicates from recreating chord state after successful cleanup.
        local done_marker = redis.call('GET', ckey)
        if done_marker == 'done' then
            return {-1, 0, 0, 0}
        end

        -- Key the check on the task id and header index, so it doesn't merge two
        -- header entries that share the task id of a reused frozen signature.
        local member = tid .. ':' .. score
        if redis.call('SISMEMBER', dkey, member) == 0 then
            if ordered == '1' then
                redis.call('ZADD', jkey, score, value)
            else
                redis.call('RPUSH', jkey, value)
            end
            redis.call('SADD', dkey, member)
        end
        local readycount
        if ordered == '1' then
            readycount = redis.call('ZCOUNT', jkey, '-inf', '+inf')
        else
            readycount = redis.call('LLEN', jkey)
        end
        if expires > 0 then
            for _, key in ipairs({jkey, tkey, skey, dkey}) do
                redis.call('EXPIRE', key, expires)
            end
            if group_expires > 0 then
                redis.call('EXPIRE', gkey, group_expires)
            end
        end

        local totaldiff = redis.call('GET', tkey)
        local size = redis.call('GET', skey)
        local claimed = 0
        if size and readycount == tonumber(size) + tonumber(totaldiff or 0) then
            if redis.call('SET', ckey, claim_token, 'NX', 'EX', claim_expires) then
                claimed = 1
            end
        end

        return {readycount, totaldiff, size, claimed}

        """)

    /// CHORD_CLEANUP: deletes the chord's keys and marks it done, if the claim is still ours.
    static let cleanup = RedisScript("""

        local ckey = KEYS[1]
        local jkey = KEYS[2]
        local tkey = KEYS[3]
        local skey = KEYS[4]
        local dkey = KEYS[5]
        local token = ARGV[1]
        local done_expires = tonumber(ARGV[2])

        if redis.call('GET', ckey) == token then
            redis.call('DEL', jkey, tkey, skey, dkey)
            if done_expires and done_expires > 0 then
                redis.call('SET', ckey, 'done', 'EX', done_expires)
            end
            return 1
        end
        return 0

        """)

    /// CHORD_CLAIM_EXTEND: extends our dispatch claim before publishing the body.
    static let claimExtend = RedisScript("""

        local ckey, skey = KEYS[1], KEYS[2]
        local token = ARGV[1]
        local expires = tonumber(ARGV[2])
        if redis.call('GET', ckey) == token then
            return redis.call('EXPIRE', ckey, expires)
        end
        if not redis.call('GET', ckey) and redis.call('EXISTS', skey) == 1 then
            return redis.call('SET', ckey, token, 'EX', expires, 'NX') and 1 or 0
        end
        return 0

        """)
}
