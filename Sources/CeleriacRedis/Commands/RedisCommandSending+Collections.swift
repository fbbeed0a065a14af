import CeleriacRESP

extension RedisCommandSending {
    // MARK: Lists

    /// `LPUSH key values...`: the new length.
    @discardableResult
    public func lpush(_ key: String, _ values: [[UInt8]]) async throws(RedisError) -> Int {
        try await integer(RedisCommand([Array("LPUSH".utf8), Array(key.utf8)] + values), name: "LPUSH")
    }

    /// `RPUSH key values...`: the new length.
    @discardableResult
    public func rpush(_ key: String, _ values: [[UInt8]]) async throws(RedisError) -> Int {
        try await integer(RedisCommand([Array("RPUSH".utf8), Array(key.utf8)] + values), name: "RPUSH")
    }

    /// `LLEN key`.
    public func llen(_ key: String) async throws(RedisError) -> Int {
        try await integer(["LLEN", key])
    }

    /// `LRANGE key start stop` as text.
    public func lrange(_ key: String, _ start: Int, _ stop: Int) async throws(RedisError) -> [String] {
        try await strings(["LRANGE", key, String(start), String(stop)])
    }

    /// `RPOP key`: the last element, or nil when the list is empty.
    public func rpop(_ key: String) async throws(RedisError) -> [UInt8]? {
        let reply = try await send(RedisCommand(["RPOP", key]))
        return reply.isNull ? nil : reply.bytes
    }

    // MARK: Hashes

    /// `HSET key field value`: 1 when the field is new.
    @discardableResult
    public func hset(_ key: String, _ field: String, _ value: [UInt8]) async throws(RedisError) -> Int {
        try await integer(RedisCommand("HSET", .string(key), .string(field), .bytes(value)), name: "HSET")
    }

    /// `HGET key field`.
    public func hget(_ key: String, _ field: String) async throws(RedisError) -> [UInt8]? {
        let reply = try await send(RedisCommand(["HGET", key, field]))
        return reply.isNull ? nil : reply.bytes
    }

    /// `HDEL key fields...`.
    @discardableResult
    public func hdel(_ key: String, _ fields: [String]) async throws(RedisError) -> Int {
        try await integer(["HDEL", key] + fields)
    }

    /// `HGETALL key` as a dictionary (RESP3 map or RESP2 flat array).
    public func hgetall(_ key: String) async throws(RedisError) -> [String: [UInt8]] {
        let reply = try await send(RedisCommand(["HGETALL", key]))
        guard let items = reply.array, items.count % 2 == 0 else { throw .unexpectedReply("HGETALL answered \(reply)") }
        var result: [String: [UInt8]] = [:]
        var index = 0
        while index < items.count {
            if let field = items[index].string, let value = items[index + 1].bytes { result[field] = value }
            index += 2
        }
        return result
    }

    // MARK: Sets

    /// `SADD key members...`: how many were new.
    @discardableResult
    public func sadd(_ key: String, _ members: [String]) async throws(RedisError) -> Int {
        try await integer(["SADD", key] + members)
    }

    /// `SREM key members...`.
    @discardableResult
    public func srem(_ key: String, _ members: [String]) async throws(RedisError) -> Int {
        try await integer(["SREM", key] + members)
    }

    /// `SMEMBERS key`.
    public func smembers(_ key: String) async throws(RedisError) -> Set<String> {
        Set(try await strings(["SMEMBERS", key]))
    }

    // MARK: Sorted sets

    /// `ZADD key score member`: 1 when the member is new.
    @discardableResult
    public func zadd(_ key: String, score: Double, member: String) async throws(RedisError) -> Int {
        try await integer(RedisCommand("ZADD", .string(key), .double(score), .string(member)), name: "ZADD")
    }

    /// `ZRANGE key start stop WITHSCORES`, in RESP2 and RESP3 reply shapes alike.
    public func zrangeWithScores(_ key: String, _ start: Int, _ stop: Int) async throws(RedisError) -> [(member: String, score: Double)] {
        let reply = try await send(RedisCommand(["ZRANGE", key, String(start), String(stop), "WITHSCORES"]))
        guard let items = reply.array else { throw .unexpectedReply("ZRANGE answered \(reply)") }
        var result: [(member: String, score: Double)] = []
        if items.allSatisfy({ $0.array?.count == 2 }) {
            // RESP3: [[member, score], ...]
            for item in items {
                if let pair = item.array, let member = pair[0].string, let score = pair[1].double { result.append((member, score)) }
            }
            return result
        }
        var index = 0
        while index + 1 < items.count {
            if let member = items[index].string, let score = items[index + 1].double { result.append((member, score)) }
            index += 2
        }
        return result
    }

    /// `ZREM key members...`.
    @discardableResult
    public func zrem(_ key: String, _ members: [String]) async throws(RedisError) -> Int {
        try await integer(["ZREM", key] + members)
    }
}
