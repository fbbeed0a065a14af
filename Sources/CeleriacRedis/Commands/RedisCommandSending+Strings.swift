import CeleriacRESP

extension RedisCommandSending {
    /// `PING`.
    public func ping() async throws(RedisError) -> String {
        let reply = try await send(RedisCommand(["PING"]))
        return reply.string ?? ""
    }

    /// `GET key`: the value, or nil when the key does not exist.
    public func get(_ key: String) async throws(RedisError) -> [UInt8]? {
        let reply = try await send(RedisCommand(["GET", key]))
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw .unexpectedReply("GET answered \(reply)") }
        return bytes
    }

    /// `GET key` as UTF-8 text.
    public func getString(_ key: String) async throws(RedisError) -> String? {
        try await get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SET key value [PX ms] [NX]`. Returns false when NX kept an existing value.
    @discardableResult
    public func set(_ key: String, _ value: [UInt8], expireMilliseconds: Int? = nil, onlyIfAbsent: Bool = false) async throws(RedisError) -> Bool {
        var arguments: [RedisArgument] = [.string(key), .bytes(value)]
        if let expireMilliseconds { arguments += ["PX", .integer(Int64(expireMilliseconds))] }
        if onlyIfAbsent { arguments.append("NX") }
        return try await !send(RedisCommand("SET", arguments: arguments)).isNull
    }

    /// `SET key value` with UTF-8 text.
    @discardableResult
    public func set(_ key: String, _ value: String, expireMilliseconds: Int? = nil, onlyIfAbsent: Bool = false) async throws(RedisError) -> Bool {
        try await set(key, Array(value.utf8), expireMilliseconds: expireMilliseconds, onlyIfAbsent: onlyIfAbsent)
    }

    /// `DEL keys...`: how many existed.
    @discardableResult
    public func del(_ keys: [String]) async throws(RedisError) -> Int {
        try await integer(["DEL"] + keys)
    }

    /// `EXISTS keys...`.
    public func exists(_ keys: [String]) async throws(RedisError) -> Int {
        try await integer(["EXISTS"] + keys)
    }

    /// `INCRBY key by`.
    @discardableResult
    public func incr(_ key: String, by amount: Int = 1) async throws(RedisError) -> Int {
        try await integer(["INCRBY", key, String(amount)])
    }

    /// `PEXPIRE key ms`: whether the key exists.
    @discardableResult
    public func pexpire(_ key: String, milliseconds: Int) async throws(RedisError) -> Bool {
        try await integer(["PEXPIRE", key, String(milliseconds)]) == 1
    }

    /// `PTTL key`: milliseconds left, -1 without expiry, -2 when the key does not exist.
    public func pttl(_ key: String) async throws(RedisError) -> Int {
        try await integer(["PTTL", key])
    }

    /// `PUBLISH channel message`: how many subscribers received it.
    @discardableResult
    public func publish(_ channel: String, _ message: [UInt8]) async throws(RedisError) -> Int {
        try await integer(RedisCommand("PUBLISH", .string(channel), .bytes(message)), name: "PUBLISH")
    }

    /// `PUBLISH` with UTF-8 text.
    @discardableResult
    public func publish(_ channel: String, _ message: String) async throws(RedisError) -> Int {
        try await publish(channel, Array(message.utf8))
    }

    func integer(_ arguments: [String]) async throws(RedisError) -> Int {
        try await integer(RedisCommand(arguments), name: arguments.first ?? "")
    }

    func integer(_ command: RedisCommand, name: String) async throws(RedisError) -> Int {
        let reply = try await send(command)
        guard let value = reply.int else { throw .unexpectedReply("\(name) answered \(reply) instead of an integer") }
        return Int(value)
    }

    func strings(_ arguments: [String]) async throws(RedisError) -> [String] {
        let reply = try await send(RedisCommand(arguments))
        guard let items = reply.array else { throw .unexpectedReply("\(arguments.first ?? "") answered \(reply) instead of an array") }
        return items.compactMap(\.string)
    }
}
