import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A broker under a flood of random and mutated frames from many connections, while one
/// well-behaved client checks that every reply it gets is right. The attackers run on plain
/// threads with blocking sockets (not on the two-thread cooperative pool the checker needs);
/// a connection the broker closes for a protocol error is opened again.
struct FloodRun {
    var frames = 1_000_000
    var connections = 20
    var seed: UInt64 = 11

    struct Outcome {
        var framesSent = 0
        var reconnects = 0
        var checks = 0
        var checkFailures: [String] = []
        var brokerAlive = true
        var seconds = 0.0
        var memory: [String] = []
    }

    func run() async throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        let started = Date()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-flood-\(UUID().uuidString.prefix(8))")
        let server = try ChaosServer(kind: .celeriac, appendfsync: "everysec", directory: directory)
        defer { server.stop(); try? FileManager.default.removeItem(at: directory) }
        var outcome = Outcome()
        outcome.memory.append("start \(ProcessMemory.format(server.residentKilobytes))")
        let counter = FloodCounter()
        let perConnection = frames / connections
        var threads: [Thread] = []
        for index in 0..<connections {
            let port = server.port
            let seed = seed &+ UInt64(index)
            let thread = Thread { FloodAttacker(port: port, seed: seed, counter: counter).run(frames: perConnection) }
            thread.start()
            threads.append(thread)
        }
        var logger = Logger(label: "flood")
        logger.logLevel = .error
        let client = RedisClient(url: try RedisURL(parsing: server.url),
                                 options: RedisOptions(commandTimeout: .seconds(30), logger: logger))
        var round = 0
        var lastPrint = Date()
        while !counter.finished(connections) {
            round += 1
            do {
                try await check(client: client, round: round)
                outcome.checks += 1
            } catch {
                outcome.checkFailures.append("round \(round): \(error)")
                if outcome.checkFailures.count > 20 { break }
            }
            if Date().timeIntervalSince(lastPrint) > 5 {
                lastPrint = Date()
                say("flood: \(counter.sent) frames sent, \(outcome.checks) checks passed, broker RSS \(ProcessMemory.format(server.residentKilobytes))")
            }
            if server.pid.map({ kill($0, 0) != 0 }) ?? true { outcome.brokerAlive = false; break }
        }
        counter.stop()
        do {
            try await check(client: client, round: round + 1)
            outcome.checks += 1
        } catch {
            outcome.checkFailures.append("final round: \(error)")
        }
        outcome.memory.append("end \(ProcessMemory.format(server.residentKilobytes))")
        outcome.brokerAlive = outcome.brokerAlive && (server.pid.map { kill($0, 0) == 0 } ?? false)
        await client.close()
        outcome.framesSent = counter.sent
        outcome.reconnects = counter.reconnects
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    /// One round of the well-behaved client in its own database: writes, reads back, a list
    /// round trip, a counter and a small transaction; any wrong reply is a failure.
    private func check(client: RedisClient, round: Int) async throws {
        let key = "good:\(round % 50)"
        let value = "value-\(round)-" + String(repeating: "x", count: round % 200)
        // A pipeline goes on one connection: select the database, check, select 0 again.
        let replies = await client.pipeline([
            RedisCommand(["SELECT", "15"]), RedisCommand(["SET", key, value]), RedisCommand(["GET", key]),
            RedisCommand(["DEL", "good:list"]), RedisCommand(["RPUSH", "good:list", "a", "b", String(round)]),
            RedisCommand(["LRANGE", "good:list", "0", "-1"]), RedisCommand(["INCR", "good:counter"]),
            RedisCommand(["SELECT", "0"]),
        ])
        let values = try replies.map { result -> RESPValue in try result.get() }
        guard values.count == 8 else { throw ChaosError("pipeline gave \(values.count) replies") }
        guard values[2] == .bulkString(Array(value.utf8)) else { throw ChaosError("GET \(key) gave \(values[2])") }
        guard values[4] == .integer(3) else { throw ChaosError("RPUSH gave \(values[4])") }
        guard values[5] == .array([.bulkString(Array("a".utf8)), .bulkString(Array("b".utf8)), .bulkString(Array(String(round).utf8))]) else {
            throw ChaosError("LRANGE gave \(values[5])")
        }
        guard case .integer(let count) = values[6], count == Int64(round) else { throw ChaosError("INCR gave \(values[6]), expected \(round)") }
    }
}

/// Frames sent and connections opened, shared by the attacker threads.
final class FloodCounter: @unchecked Sendable {
    // Guarded by `lock`: the attacker threads and the checker update and read these.
    private let lock = NSLock()
    private var sentFrames = 0
    private var reopened = 0
    private var done = 0
    private var stopping = false

    var sent: Int { lock.withLock { sentFrames } }
    var reconnects: Int { lock.withLock { reopened } }
    var shouldStop: Bool { lock.withLock { stopping } }
    func add(frames: Int, reconnects: Int) { lock.withLock { sentFrames += frames; reopened += reconnects } }
    func attackerDone() { lock.withLock { done += 1 } }
    func finished(_ total: Int) -> Bool { lock.withLock { done >= total } }
    func stop() { lock.withLock { stopping = true } }
}

/// One attacking connection: random, mutated and valid-but-hostile frames, replies read and
/// thrown away without waiting.
struct FloodAttacker {
    let port: Int
    let seed: UInt64
    let counter: FloodCounter

    /// Commands a flood may use. Nothing that ends the test for everyone (FLUSHALL, SHUTDOWN,
    /// CONFIG SET, CLIENT KILL): those are the operator's, and tested on their own.
    static let vocabulary = [
        "GET", "SET", "DEL", "LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "BRPOP", "BLPOP", "HSET", "HGET",
        "HGETALL", "SADD", "SMEMBERS", "ZADD", "ZRANGE", "ZREM", "EXPIRE", "PEXPIRE", "TTL", "INCR", "APPEND",
        "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "MULTI", "EXEC", "DISCARD", "WATCH", "EVAL", "EVALSHA",
        "SCRIPT", "PING", "ECHO", "HELLO", "SELECT", "KEYS", "SCAN", "TYPE", "EXISTS", "INFO", "AUTH", "CLIENT",
        "COMMAND", "LMOVE", "BLMOVE", "RPOPLPUSH", "ZPOPMIN", "HINCRBY", "SETEX", "MGET", "MSET", "QUIT", "RESET",
    ]
    static let words = ["k0", "k1", "k2", "q", "0", "1", "-1", "0.01", "3", "nan", "inf", "-inf", "99999999999999999999",
                        "return redis.call('GET', KEYS[1])", "return {1,2,{3}}", "while true do end", "LIMIT", "WITHSCORES",
                        "EX", "PX", "NX", "XX", "GT", "CH", "BYSCORE", "REV", "*", "[a", "(1", "+inf", "", "\u{0}", "\r\n"]

    func run(frames: Int) {
        var random = SplitMix(seed: seed)
        var sent = 0
        var reconnects = 0
        var socket = Self.connect(port: port)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while sent < frames, !counter.shouldStop {
            if socket < 0 { socket = Self.connect(port: port); reconnects += 1; if socket < 0 { usleep(10_000); continue } }
            let frame = Self.frame(&random)
            let written = frame.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            sent += 1
            // Read what is there without waiting; a closed connection is opened again.
            let read = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if written < 0 || read == 0 || sent % 2_000 == 0 {
                close(socket)
                socket = -1
            }
            if sent % 1_000 == 0 { counter.add(frames: 1_000, reconnects: reconnects); reconnects = 0 }
        }
        if socket >= 0 { close(socket) }
        counter.add(frames: sent % 1_000, reconnects: reconnects)
        counter.attackerDone()
    }

    static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); return -1 }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// One frame: a valid command from the vocabulary, a mutated one, raw bytes, or a hostile
    /// header (huge lengths, deep nesting, bad numbers).
    static func frame(_ random: inout SplitMix) -> [UInt8] {
        func command() -> [UInt8] {
            var args = [vocabulary[Int.random(in: 0..<vocabulary.count, using: &random)]]
            for _ in 0..<Int.random(in: 0...5, using: &random) { args.append(words[Int.random(in: 0..<words.count, using: &random)]) }
            var bytes = Array("*\(args.count)\r\n".utf8)
            for arg in args { bytes += Array("$\(arg.utf8.count)\r\n\(arg)\r\n".utf8) }
            return bytes
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4:
            return command()
        case 4..<7:
            var bytes = command()
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(contentsOf: Array("\r\n".utf8), at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
                if bytes.isEmpty { bytes = [0x2A] }
            }
            return bytes
        case 7:
            return (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 8:
            let hostile = ["*2147483647\r\n", "$2147483647\r\n", "*-5\r\n", "$-7\r\n", "*1\r\n$99999999999999999999\r\n",
                           String(repeating: "*1\r\n", count: 2_000), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$629145600\r\n",
                           "PING PING PING\r\n", "\"unterminated\r\n", "*1\r\n:1\r\n", "%1\r\n+a\r\n+b\r\n"]
            return Array(hostile[Int.random(in: 0..<hostile.count, using: &random)].utf8)
        default:
            return Array((vocabulary[Int.random(in: 0..<vocabulary.count, using: &random)] + " k0 \"a b\" 'c'\r\n").utf8)
        }
    }
}
